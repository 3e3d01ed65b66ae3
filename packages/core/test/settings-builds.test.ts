/**
 * The browser build's settings parser (src/settings/parse.compact.ts: validation and model in one
 * walk) against the server build's (parse.ts + validate.ts), on generated and mutated files: the
 * same verdict, the same issues at the same paths in the same order (so `launch` names the same
 * field), the same warnings' paths, and the same model, field by field.
 */
import { describe, expect, it } from 'vitest';
import type { Campaign, Settings } from '../src/settings/model.js';
import { parseSettings as compactParse } from '../src/settings/parse.compact.js';
import { parseSettings as serverParse } from '../src/settings/parse.js';
import * as generate from './support/generate.js';
import { Random } from './support/random.js';

const ODD_VALUES: unknown[] = [
  null,
  '50',
  'x',
  '',
  ' ',
  5,
  0,
  -1,
  1.5,
  true,
  false,
  [],
  [1, 2],
  {},
  { a: 1 },
  'RUNNING',
  'running',
  Number.NaN,
  '$delete',
];

/** Plain data for everything a model holds: predicates by presence, campaigns by their index. */
function modelView(settings: Settings): unknown {
  const ref = (campaign: Campaign | undefined) => campaign?.index;
  const campaign = (c: Campaign) => ({
    ...c,
    segment: typeof c.segment,
    variations: c.variations.map((v) => ({ ...v, whitelist: typeof v.whitelist, frozen: Object.isFrozen(v) })),
    whitelistable: c.whitelistable.map((v) => v.index),
    control: c.control?.index,
    goalsByIdentifier: [...c.goalsByIdentifier].map(([identifier, goal]) => [identifier, c.goals.indexOf(goal)]),
    membership: c.membership && {
      broken: c.membership.broken,
      group: c.membership.group && { ...c.membership.group, members: c.membership.group.members?.map(ref) },
    },
    frozen: [c, c.variations, c.whitelistable, c.goals].map(Object.isFrozen),
  });
  return {
    ...settings,
    campaigns: settings.campaigns.map(campaign),
    campaignsByKey: [...settings.campaignsByKey].map(([key, c]) => [key, ref(c)]),
    campaignsByGoal: [...settings.campaignsByGoal].map(([identifier, list]) => [identifier, list.map(ref)]),
    frozen: [settings, settings.campaigns, settings.raw].map(Object.isFrozen),
  };
}

function set(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value === '$delete') delete target[key];
  else target[key] = value;
}

/** A generated file with up to three fields somewhere in it replaced by odd values or removed. */
function mutatedFile(rng: Random): Record<string, unknown> {
  const file = generate.settingsFile(rng);
  const campaigns = file.campaigns as Record<string, unknown>[];
  if (rng.chance(0.3) && campaigns.length > 1)
    (campaigns[1] as Record<string, unknown>).key = (campaigns[0] as Record<string, unknown>).key;
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
  const list = (value: unknown) => (Array.isArray(value) ? value.filter(isObject) : []);
  for (let n = rng.int(0, 3); n > 0; n--) {
    // Earlier mutations may have replaced any part: only what is still an object is a target.
    const campaign = rng.pick(list(file.campaigns));
    const targets = [file, campaign, campaign, rng.pick(list(campaign?.variations)), rng.pick(list(campaign?.goals)), file.groups];
    const target = rng.pick(targets.filter(isObject));
    const keys = [...Object.keys(target), 'campaignGroups', 'groups', 'isNB', 'isNBv2', 'isEventArchEnabled', 'collectionPrefix'];
    set(target, rng.pick(keys), rng.pick(ODD_VALUES));
  }
  if (rng.chance(0.1) && Array.isArray(file.campaigns)) file.campaigns.push(rng.pick(ODD_VALUES));
  const someVariations = rng.pick(list(file.campaigns))?.variations;
  if (rng.chance(0.1) && Array.isArray(someVariations)) someVariations.push(rng.pick(ODD_VALUES));
  return file;
}

describe('the browser build parses settings as the server build does', () => {
  it('on 2,000 generated files with odd fields: same verdict, issue paths, warning paths and model', () => {
    const differences: string[] = [];
    let accepted = 0;
    for (let seed = 1; seed <= 2_000 && differences.length < 5; seed++) {
      const file = mutatedFile(new Random(seed));
      const server = serverParse(file);
      const compact = compactParse(file);
      const paths = (issues: readonly { path: string }[]) => issues.map((issue) => issue.path);
      const view = (result: typeof server) =>
        result.ok ? { warnings: paths(result.warnings), model: modelView(result.settings) } : { errors: paths(result.error.issues) };
      try {
        expect(view(compact)).toEqual(view(server));
        if (server.ok) accepted++;
      } catch (error) {
        differences.push(`seed ${seed}: ${(error as Error).message.slice(0, 400)}`);
      }
    }
    expect(differences).toEqual([]);
    // Both verdicts are exercised: the mutations leave many files valid and refuse many others.
    expect(accepted).toBeGreaterThan(250);
    expect(accepted).toBeLessThan(1_750);
  });

  it.each([null, undefined, 'a string', 42, [], true, () => 1, { toJSON: () => 'text' }])(
    'refuses %j as a settings file at the same (empty) path',
    (input) => {
      const server = serverParse(input);
      const compact = compactParse(input);
      expect(compact.ok || compact.error.issues.map((issue) => issue.path)).toEqual(server.ok || server.error.issues.map((i) => i.path));
      expect(compact.ok).toBe(false);
    },
  );

  it('refuses a cyclic file without throwing, naming the file itself', () => {
    const file: Record<string, unknown> = generate.settingsFile(new Random(7));
    file.self = file;
    const compact = compactParse(file);
    expect(compact.ok).toBe(false);
    if (!compact.ok) expect(compact.error.issues.map((issue) => issue.path)).toEqual(['']);
  });
});
