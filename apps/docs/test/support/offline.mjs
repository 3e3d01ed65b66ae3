// Preloaded (`node --import`) into every README and guide example the docs tests run: the
// examples keep VWO's real URLs, and this sends VWO's requests to the local collector and any
// other host's to a local stand-in, so an example runs as written and nothing leaves 127.0.0.1.
// The FME client's requests (every one carries `sn=vwo-fme-node-sdk`) go to the FME stand-in.
import dns from 'node:dns';

const collector = process.env.VWO_DOCS_COLLECTOR_URL;
const elsewhere = process.env.VWO_DOCS_ELSEWHERE_URL ?? collector; // stands in for every other host
const fme = process.env.VWO_DOCS_FME_URL ?? collector;
if (!collector) throw new Error('offline.mjs: VWO_DOCS_COLLECTOR_URL is not set');
const LOCAL = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

const realFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const url = new URL(typeof input === 'string' || input instanceof URL ? String(input) : input.url);
  if (!LOCAL.has(url.hostname)) {
    const vwo = /(^|\.)visualwebsiteoptimizer\.com$/.test(url.hostname);
    const target = new URL(!vwo ? elsewhere : url.searchParams.get('sn') === 'vwo-fme-node-sdk' ? fme : collector);
    url.protocol = target.protocol;
    url.host = target.host;
  }
  return realFetch(typeof input === 'string' || input instanceof URL ? url : new Request(url, input), init);
};

// Anything else that looks a host up (node:http, node:net, a Redis client) may reach loopback only.
const refuse = (hostname) => Object.assign(new Error(`docs examples run offline: no lookup of ${hostname}`), { code: 'ENOTFOUND' });
const realLookup = dns.lookup;
dns.lookup = function lookup(hostname, ...rest) {
  if (LOCAL.has(hostname)) return realLookup.call(this, hostname, ...rest);
  const callback = rest[rest.length - 1];
  process.nextTick(() => callback(refuse(hostname)));
};
const realPromiseLookup = dns.promises.lookup;
dns.promises.lookup = (hostname, ...rest) =>
  LOCAL.has(hostname) ? realPromiseLookup(hostname, ...rest) : Promise.reject(refuse(hostname));
