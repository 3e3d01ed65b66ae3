// get + set per operation (one get, then one set of the same pair, at random over the ids) on a
// full store, for the figures in the README; plus, for the record, the same store without its
// copies and the Map-re-insertion LRU this package chose not to use.
// Run: `npx pnpm --filter @vwo/storage-memory bench` (20 s); `node bench/get-set.mjs compare`
// after a build adds the comparisons (3 min: the Map LRU's eviction is that slow at 1M).
import { createMemoryStorage } from '../dist/index.js';

const OPS = 1_000_000;
const ROUNDS = 5;
const CAMPAIGN = 'checkout-button';

/** The package's design without the copies in and out: what the copies cost. */
function withoutCopies(maxEntries) {
  const byCampaign = new Map();
  let newest = null;
  let oldest = null;
  const unlink = (e) => {
    if (e.newer) e.newer.older = e.older;
    else newest = e.older;
    if (e.older) e.older.newer = e.newer;
    else oldest = e.newer;
  };
  const push = (e) => {
    e.newer = null;
    e.older = newest;
    if (newest) newest.newer = e;
    else oldest = e;
    newest = e;
  };
  let size = 0;
  return {
    get(u, c) {
      const e = byCampaign.get(c)?.get(u);
      if (e === undefined) return undefined;
      if (e !== newest) {
        unlink(e);
        push(e);
      }
      return e.record;
    },
    set(r) {
      let users = byCampaign.get(r.campaignKey);
      if (users === undefined) {
        users = new Map();
        byCampaign.set(r.campaignKey, users);
      }
      const e = users.get(r.userId);
      if (e !== undefined) {
        e.record = r;
        if (e !== newest) {
          unlink(e);
          push(e);
        }
        return;
      }
      if (size >= maxEntries) {
        const old = oldest;
        unlink(old);
        byCampaign.get(old.record.campaignKey).delete(old.record.userId);
        size--;
      }
      const entry = { record: r, newer: null, older: null };
      users.set(r.userId, entry);
      push(entry);
      size++;
    },
  };
}

/** The textbook JavaScript LRU: one Map, a joined key, re-inserted on use, evicting `keys().next()`. */
function mapReinsertion(maxEntries) {
  const entries = new Map();
  const key = (u, c) => `${u.length}:${u}${c}`;
  return {
    get(u, c) {
      const k = key(u, c);
      const r = entries.get(k);
      if (r === undefined) return undefined;
      entries.delete(k);
      entries.set(k, r);
      return { ...r };
    },
    set(r) {
      const k = key(r.userId, r.campaignKey);
      if (!entries.delete(k) && entries.size >= maxEntries) entries.delete(entries.keys().next().value);
      entries.set(k, { ...r });
    },
  };
}

function run(name, storage, ids) {
  const records = Array.from({ length: ids }, (_, i) => ({
    userId: `user-${i.toString(36)}-${(i * 2654435761) >>> 0}`,
    campaignKey: CAMPAIGN,
    variationName: 'Variation-1',
    goalIdentifier: '_vwo_purchase',
  }));
  const picks = Uint32Array.from({ length: OPS }, () => Math.floor(Math.random() * ids));
  for (const r of records) storage.set(r);
  const results = [];
  let hits = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < OPS; i++) {
      const r = records[picks[i]];
      if (storage.get(r.userId, CAMPAIGN) !== undefined) hits++;
      storage.set(r);
    }
    results.push(Number(process.hrtime.bigint() - started) / OPS);
  }
  results.sort((a, b) => a - b);
  const median = results[Math.floor(ROUNDS / 2)].toFixed(0).padStart(5);
  console.log(
    `${name.padEnd(58)} ${median} ns/op (median of ${ROUNDS}, best ${results[0].toFixed(0)}; hit rate ${(hits / (OPS * ROUNDS)).toFixed(2)})`,
  );
}

const which = process.argv[2] ?? 'package';
if (which === 'all' || which === 'package') {
  run('@vwo/storage-memory, 1M entries', createMemoryStorage({ maxEntries: 1_000_000 }), 1_000_000);
  run('@vwo/storage-memory, 1k entries', createMemoryStorage({ maxEntries: 1_000 }), 1_000);
  run('@vwo/storage-memory, bound 500k, 1M ids (evicts)', createMemoryStorage({ maxEntries: 500_000 }), 1_000_000);
}
if (which === 'all' || which === 'compare') {
  run('same design without copies, 1M entries', withoutCopies(1_000_000), 1_000_000);
  run('same design without copies, 1k entries', withoutCopies(1_000), 1_000);
  run('Map re-insertion LRU, 1M entries', mapReinsertion(1_000_000), 1_000_000);
  run('Map re-insertion LRU, 1k entries', mapReinsertion(1_000), 1_000);
  run('Map re-insertion LRU, bound 500k, 1M ids (evicts)', mapReinsertion(500_000), 1_000_000);
}
