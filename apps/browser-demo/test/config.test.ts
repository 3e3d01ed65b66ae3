/** The page's settings file and the defaults it reads from its address. */
import { parseSettings } from '@vwo/core';
import { describe, expect, it } from 'vitest';
import {
  CAMPAIGN_KEY,
  DEFAULT_ACCOUNT_ID,
  DEFAULT_COLLECTOR_URL,
  DEFAULT_SDK_KEY,
  PURCHASE_GOAL,
  readPageConfig,
  SIGNUP_GOAL,
} from '../src/config.js';
import { CAMPAIGN, SETTINGS_FILE } from './helpers.js';

describe('settings.json', () => {
  it('parses without warnings and runs the page campaign: an A/B test of two variations at 50/50, with a custom and a revenue goal', () => {
    const parsed = parseSettings(SETTINGS_FILE);
    expect(parsed.ok && parsed.warnings).toEqual([]);
    expect(CAMPAIGN).toMatchObject({ key: CAMPAIGN_KEY, type: 'VISUAL_AB', status: 'RUNNING', percentTraffic: 100 });
    expect(CAMPAIGN.variations.map((v) => v.weight)).toEqual([50, 50]);
    expect(CAMPAIGN.goals.map((g) => [g.identifier, g.type])).toEqual([
      [SIGNUP_GOAL, 'CUSTOM_GOAL'],
      [PURCHASE_GOAL, 'REVENUE_TRACKING'],
    ]);
  });
});

describe('readPageConfig', () => {
  it('defaults to the account and SDK key of settings.json and the collector port of npm start', () => {
    expect(readPageConfig('')).toEqual({
      collectorUrl: DEFAULT_COLLECTOR_URL,
      accountId: String(SETTINGS_FILE.accountId),
      sdkKey: SETTINGS_FILE.sdkKey,
      batch: false,
      logLevel: 'warn',
    });
    expect([DEFAULT_ACCOUNT_ID, DEFAULT_SDK_KEY]).toEqual([String(SETTINGS_FILE.accountId), SETTINGS_FILE.sdkKey]);
    expect(DEFAULT_COLLECTOR_URL).toBe('http://127.0.0.1:8080');
  });

  it('reads the collector, account, SDK key, batching and log level from the query; empty or unknown values take the default', () => {
    expect(readPageConfig('?collector=http://127.0.0.1:9000&account=42&sdkKey=k%201&batch=1&log=debug')).toEqual({
      collectorUrl: 'http://127.0.0.1:9000',
      accountId: '42',
      sdkKey: 'k 1',
      batch: true,
      logLevel: 'debug',
    });
    expect(readPageConfig('?collector=&account=%20&batch=0&log=loud')).toMatchObject({
      collectorUrl: DEFAULT_COLLECTOR_URL,
      accountId: DEFAULT_ACCOUNT_ID,
      batch: false,
      logLevel: 'warn',
    });
  });
});
