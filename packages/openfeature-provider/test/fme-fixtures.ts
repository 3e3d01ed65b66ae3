/**
 * An FME settings file with one feature per reason the README promises, an `init` client of
 * `@vwo/node` over it, and a loopback HTTP server that receives what the client sends (a
 * transport over Node's fetch, with VWO's host swapped for the server's address).
 */
import { createServer, type Server } from 'node:http';
import type { FmeClient, FmeStorageConnector, Transport } from '@vwo/core';
import { init } from '@vwo/node';
import { closeServer, listenOnLoopback } from '@vwo/test-support';
import { afterAll, afterEach, beforeAll } from 'vitest';

export const FME_ACCOUNT_ID = 777001;
export const FME_SDK_KEY = 'fme0123456789abcdef0123456789abc';

type Json = Record<string, unknown>;

const variable = (id: number, key: string, type: string, value: unknown) => ({ id, key, type, value });

/** The settings file: see each feature's comment for the answer it gives. */
export function fmeSettingsFile(): Json {
  return {
    version: 1,
    accountId: FME_ACCOUNT_ID,
    sdkKey: FME_SDK_KEY,
    campaigns: [
      // Rollout to everyone, then an A/B test 50/50: SPLIT, variables of the A/B variation.
      {
        id: 1,
        key: 'checkout_rollout',
        name: 'checkout rollout',
        type: 'FLAG_ROLLOUT',
        status: 'RUNNING',
        segments: {},
        variations: [
          {
            id: 1,
            name: 'Rollout-rule-1',
            weight: 100,
            segments: {},
            variables: [variable(1, 'color', 'string', 'grey'), variable(2, 'limit', 'integer', 1)],
          },
        ],
      },
      {
        id: 2,
        key: 'checkout_test',
        name: 'checkout test',
        type: 'FLAG_TESTING',
        status: 'RUNNING',
        percentTraffic: 100,
        segments: {},
        variations: [
          {
            id: 1,
            name: 'Default',
            weight: 50,
            variables: [
              variable(1, 'color', 'string', 'blue'),
              variable(2, 'limit', 'integer', 10),
              variable(3, 'layout', 'json', { columns: 2 }),
              variable(4, 'beta', 'boolean', false),
              variable(5, 'label', 'string', 7),
            ],
          },
          {
            id: 2,
            name: 'Variation-1',
            weight: 50,
            variables: [
              variable(1, 'color', 'string', 'green'),
              variable(2, 'limit', 'integer', 0),
              variable(3, 'layout', 'json', { columns: 3 }),
              variable(4, 'beta', 'boolean', true),
            ],
          },
        ],
      },
      // Rollout to users whose plan is pro: TARGETING_MATCH; everyone else DEFAULT.
      {
        id: 3,
        key: 'pro_rollout',
        name: 'pro rollout',
        type: 'FLAG_ROLLOUT',
        status: 'RUNNING',
        segments: {},
        variations: [
          {
            id: 1,
            name: 'Pro',
            weight: 100,
            segments: { or: [{ custom_variable: { plan: 'pro' } }] },
            variables: [variable(1, 'quota', 'double', 2.5)],
          },
        ],
      },
      // Rollout to nobody: DEFAULT.
      {
        id: 4,
        key: 'dark_rollout',
        name: 'dark rollout',
        type: 'FLAG_ROLLOUT',
        status: 'RUNNING',
        segments: {},
        variations: [{ id: 1, name: 'Dark', weight: 0, segments: {}, variables: [variable(1, 'theme', 'string', 'dark')] }],
      },
      // Whitelisting: Ashley is forced into Variation-1 (TARGETING_MATCH).
      {
        id: 5,
        key: 'banner_test',
        name: 'banner test',
        type: 'FLAG_TESTING',
        status: 'RUNNING',
        percentTraffic: 100,
        isForcedVariationEnabled: true,
        segments: {},
        variations: [
          { id: 1, name: 'Default', weight: 100, segments: {}, variables: [variable(1, 'text', 'string', 'Hello')] },
          {
            id: 2,
            name: 'Variation-1',
            weight: 0,
            segments: { or: [{ user: 'Ashley' }] },
            variables: [variable(1, 'text', 'string', 'Hi Ashley')],
          },
        ],
      },
    ],
    features: [
      feature(1, 'new-checkout', [rule('FLAG_ROLLOUT', 'rollout', 1, 1), rule('FLAG_TESTING', 'test', 2)]),
      feature(2, 'pro-tools', [rule('FLAG_ROLLOUT', 'rollout', 3, 1)]),
      feature(3, 'dark-mode', [rule('FLAG_ROLLOUT', 'rollout', 4, 1)]),
      feature(4, 'banner', [rule('FLAG_TESTING', 'test', 5)]),
    ],
  };
}

function feature(id: number, key: string, rules: Json[]): Json {
  return {
    id,
    key,
    name: key,
    type: 'FEATURE_FLAG',
    status: 'ON',
    metrics: [{ id: 1, type: 'CUSTOM_GOAL', identifier: 'purchase' }],
    rules,
  };
}

function rule(type: string, ruleKey: string, campaignId: number, variationId?: number): Json {
  return variationId === undefined ? { type, ruleKey, campaignId } : { type, ruleKey, campaignId, variationId };
}

/** One request the client sent, as the loopback server received it. */
export interface Received {
  readonly path: string;
  /** `en` of the query: `vwo_variationShown`, `purchase`, `vwo_sdkDebug`… */
  readonly eventName: string | null;
  readonly body: Json;
}

/** A loopback HTTP server for a test file, emptied after each test, and a transport that sends to it. */
export function useLoopback(): { received: () => Received[]; transport: () => Transport } {
  let server: Server | undefined;
  let base = '';
  const received: Received[] = [];
  beforeAll(async () => {
    server = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk) => {
        text += chunk;
      });
      request.on('end', () => {
        const url = new URL(request.url ?? '/', 'http://loopback');
        received.push({ path: url.pathname, eventName: url.searchParams.get('en'), body: text ? (JSON.parse(text) as Json) : {} });
        response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      });
    });
    base = await listenOnLoopback(server);
  });
  afterEach(() => {
    received.length = 0;
  });
  afterAll(async () => {
    await closeServer(server);
  });
  return {
    received: () => [...received],
    transport: () => ({
      send: async (request) => {
        const response = await fetch(request.url.replace(/^https:\/\/[^/]+/, base), {
          method: request.method,
          headers: request.headers,
          body: request.body,
        });
        return { status: response.status, body: await response.text() };
      },
    }),
  };
}

/** An `init` client over the settings (given, never fetched) that sends to the loopback server. */
export function initClient(transport: Transport, options: { settings?: Json; storage?: FmeStorageConnector } = {}): Promise<FmeClient> {
  return init({
    accountId: FME_ACCOUNT_ID,
    sdkKey: FME_SDK_KEY,
    settings: options.settings ?? fmeSettingsFile(),
    transport,
    isUsageStatsDisabled: true,
    logger: { level: 'ERROR' },
    ...(options.storage ? { storage: options.storage } : {}),
  } as Parameters<typeof init>[0]);
}

/** A user storage kept in a Map, as an application would write one. */
export function mapStorage(): FmeStorageConnector & { readonly records: Map<string, unknown> } {
  const records = new Map<string, unknown>();
  return {
    records,
    get: (featureKey, userId) => records.get(`${featureKey}\u0000${userId}`),
    set: (record) => {
      records.set(`${record.featureKey}\u0000${String(record.userId)}`, record);
    },
  };
}
