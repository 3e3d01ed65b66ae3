/**
 * The browser build's decision (decide.compact.ts) against the server build's (decide.ts), both
 * from the sources, on generated settings files, users and stored records: the same outcome,
 * variation, campaign, stored goals, notification and storing, the same error (its field and
 * numbers), and the same `explain` steps — step by step the same name, verdict and data, and a
 * text naming the same numbers and quoted values. The texts themselves may be shorter. Groups
 * include the broken ones 1.73.0 fails on (`p`/`wt` null, `campaigns` not a list, a missing
 * group, a bucket in the gap of an equal split). DECIDE_BUILDS_CASES sets the number of decisions (default 20,000).
 */
import { describe, expect, it } from 'vitest';
import { decide as compactDecide } from '../src/decision/decide.compact.js';
import { decide } from '../src/decision/decide.js';
import type { DecideOptions, Decision } from '../src/decision/types.js';
import { campaign, settingsFile as fileOf } from './support/files.js';
import * as generate from './support/generate.js';
import { parsed } from './support/parse.js';
import { Random } from './support/random.js';

const TARGET_CASES = Number(process.env.DECIDE_BUILDS_CASES ?? 20_000);

/** The numbers, quoted values and digit-bearing names a step's text gives (`76`, `"PAUSED"`, `groups.7.p`). */
function facts(text: string | undefined): string[] {
  return text?.match(/"[^"]*"|[\w.-]*\d[\w.-]*/g) ?? [];
}

/** What both builds must agree on: everything but the wording of texts. */
function meaning(decision: Decision) {
  return {
    outcome: decision.outcome,
    variationName: decision.variationName,
    campaign: decision.campaign?.key,
    storedGoalIdentifier: decision.storedGoalIdentifier,
    notifies: decision.notifies,
    store: decision.store,
    errorFacts: facts(decision.error),
    steps: decision.steps?.map(({ step, passed, data, detail }) => ({ step, passed, data, facts: facts(detail) })),
  };
}

/** A generated file, now and then with a group 1.73.0 trips over or has no campaign in. */
function settingsFile(rng: Random): Record<string, unknown> {
  const file = generate.settingsFile(rng);
  const group = Object.values(file.groups as Record<string, Record<string, unknown>>)[0];
  if (group && rng.chance(0.3)) {
    const breakage = rng.int(0, 4);
    if (breakage === 0) group.p = null;
    if (breakage === 1) group.wt = null;
    if (breakage === 2) group.campaigns = 'not a list';
    if (breakage === 3) group.campaigns = [];
    if (breakage === 4) group.campaigns = [...(group.campaigns as number[]), 999];
  }
  return file;
}

function storageFor(rng: Random, keys: readonly string[], userId: string): DecideOptions['storage'] {
  const records = new Map<string, unknown>();
  for (const key of keys) {
    const roll = rng.next();
    if (roll < 0.3)
      records.set(key, { userId, campaignKey: key, variationName: rng.pick(['Control', 'Variation-1', 'Gone']), goalIdentifier: 'g' });
    else if (roll < 0.4) records.set(key, rng.pick([null, 'Control', 42, { variationName: 'Control' }]));
  }
  const userStorageData = rng.chance(0.1) ? { variationName: 'Variation-1' } : undefined;
  return { record: records.get(keys[0] as string), groupRecord: (key) => records.get(key), userStorageData };
}

describe('the browser build decides as the server build', () => {
  it(`with the same answers and explain steps for ${TARGET_CASES}+ generated decisions`, () => {
    const mismatches: unknown[] = [];
    let cases = 0;
    const outcomes = new Set<string>();
    const errors = new Set<string>();
    for (let seed = 1; cases < TARGET_CASES; seed++) {
      const rng = new Random(seed);
      const file = settingsFile(rng);
      const settings = parsed(file);
      const keys = (file.campaigns as { key: string }[]).map((c) => c.key);
      for (let u = 0; u < 10; u++) {
        const userId = generate.userId(rng);
        for (const key of [...keys, 'missing']) {
          const storage = rng.chance(0.4) ? storageFor(rng, [key, ...keys], userId) : undefined;
          const options: DecideOptions = {
            customVariables: generate.variables(rng),
            variationTargetingVariables: generate.variables(rng),
            isTrackUser: rng.chance(0.5),
            storage,
            trace: rng.chance(0.8),
          };
          const server = decide(settings, key, userId, options);
          const browser = compactDecide(settings, key, userId, options);
          cases++;
          outcomes.add(server.outcome);
          if (server.error) errors.add(server.error.replace(/\d+/g, 'N'));
          if (server.steps) expect(browser.steps?.every((step) => step.detail.length > 0)).toBe(true);
          const [ours, theirs] = [meaning(browser), meaning(server)];
          const same = browser.variation === server.variation && browser.campaign === server.campaign;
          if (!same || JSON.stringify(ours) !== JSON.stringify(theirs)) {
            mismatches.push({ seed, key, userId, server: theirs, browser: ours });
          }
        }
      }
    }
    expect(mismatches.slice(0, 3)).toEqual([]);
    // The generated cases reach every way a decision ends, and every error of a group.
    expect([...errors].sort()).toEqual([
      'campaignGroups maps campaign N to a group that groups does not define',
      'groups.N.campaigns is not a list',
      'groups.N.p is null',
      'groups.N.wt is null',
    ]);
    expect([...outcomes].sort()).toEqual(
      [
        'bucketed',
        'campaign-not-found',
        'campaign-not-running',
        'error',
        'group-empty',
        'group-lost',
        'group-taken',
        'no-variation-in-range',
        'not-in-traffic',
        'not-stored',
        'segment-failed',
        'stored',
        'whitelisted',
      ].sort(),
    );
  });

  it('on the gap of an equal split, where 1.73.0 fails every member of the group', () => {
    const members = ['A', 'B', 'C'].map((key, i) => campaign({ id: i + 1, key }));
    const groups = { 5: { name: 'G', campaigns: [1, 2, 3] } };
    const settings = parsed(fileOf(members, { campaignGroups: { 1: 5, 2: 5, 3: 5 }, groups }));
    const failures: string[] = [];
    for (let u = 0; u < 600; u++) {
      for (const key of ['A', 'B', 'C']) {
        const server = decide(settings, key, `user${u}`, { trace: true });
        expect(meaning(compactDecide(settings, key, `user${u}`, { trace: true }))).toEqual(meaning(server));
        if (server.error) failures.push(server.error);
      }
    }
    // Three members split 33/33/33: about 1 user in 100 draws a bucket above 9900.
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((error) => error.includes('equal split'))).toBe(true);
  });
});
