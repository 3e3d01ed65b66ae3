import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import type { CollectedEvent, SettingsFile } from '../src/index.js';

const casesDir = new URL('./cases/', import.meta.url);

export function loadCases<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, casesDir), 'utf8')) as T;
}

export const SETTINGS = loadCases<SettingsFile>('settings.json');
export const UUID = 'A46F7AA3A53150368683EE064793BAFD';

export interface ValidCase {
  name: string;
  method: 'GET' | 'POST';
  target: string;
  headers: Record<string, string>;
  order: string[];
  params?: Record<string, string>;
  body?: unknown;
  servesSettings?: boolean;
  events: Array<Partial<CollectedEvent>>;
}

export interface MalformedCase {
  name: string;
  method: 'GET' | 'POST';
  target: string;
  body?: unknown;
  rawBody?: string;
  error: string;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * Sends the request target byte for byte, as vwo-node-sdk 1.73.0 does through `https`
 * (`fetch` would percent-encode the quotes of `ed={"p":"server"}`).
 */
export function rawRequest(
  baseUrl: string,
  method: string,
  target: string,
  options: { body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname.replace(/^\[|\]$/g, ''),
        port,
        method,
        path: target,
        agent: false,
        headers: {
          ...(options.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(options.body)) }),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

function decodeOnce(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The same request as an SDK that percent-encodes every decoded key and value would send it. */
export function fullyEncoded(target: string): string {
  const question = target.indexOf('?');
  if (question === -1) return target;
  const query = target
    .slice(question + 1)
    .split('&')
    .filter((segment) => segment !== '')
    .map((segment) => {
      const eq = segment.indexOf('=');
      const key = eq === -1 ? segment : segment.slice(0, eq);
      const value = eq === -1 ? '' : segment.slice(eq + 1);
      return `${encodeURIComponent(decodeOnce(key))}=${encodeURIComponent(decodeOnce(value))}`;
    })
    .join('&');
  return `${target.slice(0, question)}?${query}`;
}

export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  return (await response.json()) as T;
}

export async function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
}

/** A classic impression GET target, 1.73.0's parameter order; `extra` is appended before `ed`. */
export function impressionTarget(campaignId: number, variationId: number, uuid = UUID, extra = '', prefix = ''): string {
  return `${prefix}/server-side/track-user?experiment_id=${campaignId}&combination=${variationId}&visitor_ua=&visitor_ip=&sId=1795928066&u=${uuid}&sdk=vwo-node-sdk&sdk-v=1.73.0&env=sdkkey123&account_id=888888&random=0.6&ap=server&${extra}ed={"p":"server"}&`;
}

/** A classic conversion GET target; `revenue` adds `r`. */
export function conversionTarget(
  campaignId: number,
  variationId: number,
  goalId: number,
  uuid = UUID,
  revenue?: string,
  extra = '',
): string {
  return `/server-side/track-goal?experiment_id=${campaignId}&combination=${variationId}&sId=1795928066&u=${uuid}&sdk=vwo-node-sdk&sdk-v=1.73.0&env=sdkkey123&account_id=888888&random=0.5&ap=server&visitor_ua=&visitor_ip=&goal_id=${goalId}&${revenue === undefined ? '' : `r=${revenue}&`}${extra}`;
}

export const BATCH_TARGET = '/server-side/batch-events?a=888888&sdk=vwo-node-sdk&sdk-v=1.73.0&env=sdkkey123&';

/** 32 hex characters derived from a small number, for populations of distinct visitors. */
export function visitor(n: number): string {
  return n.toString(16).toUpperCase().padStart(32, '0');
}

export function eventArchBody(
  name: string,
  props: Record<string, unknown>,
  options: { uuid?: string; msgId?: string; visitorProps?: Record<string, unknown> } = {},
): unknown {
  const uuid = options.uuid ?? UUID;
  return {
    d: {
      msgId: options.msgId ?? `${uuid}-1795928079498`,
      visId: uuid,
      sessionId: 1795928080,
      event: {
        props: { vwo_sdkName: 'vwo-node-sdk', vwo_sdkVersion: '1.73.0', vwo_envKey: 'sdkkey123', ...props },
        name,
        time: 1795928079498,
      },
      visitor: { props: { vwo_fs_environment: 'sdkkey123', ...options.visitorProps } },
    },
  };
}

export function eventArchTarget(name: string): string {
  return `/events/t?en=${name}&a=888888&env=sdkkey123&eTime=1795928079498&random=0.9&p=FS&visitor_ua=&visitor_ip=&`;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A response's JSON body, typed for the assertion at hand. */
export async function jsonOf<T = Record<string, unknown>>(response: Response | Promise<Response>): Promise<T> {
  return (await (await response).json()) as T;
}
