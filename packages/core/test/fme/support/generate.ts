/**
 * Seeded generators of FME settings files, contexts and storage states for the differential
 * test against vwo-fme-node-sdk 1.35.0. They stay inside what 1.35.0 can answer without
 * crashing its process: no rollout campaign in a group (it recurses until out of memory) and
 * no throwing whitelisting segment (an unhandled rejection there).
 */
import { Random } from '../../support/random.js';

type Json = Record<string, unknown>;

export const USER_IDS = ['u1', 'u2', 'u3', 'u8', 'm1', 'm2', 'm4', 'user-1', 'José', 'ユーザー', '42', 'x y', '7'];
const VARIABLE_NAMES = ['plan', 'age', 'version', 'country', 'flag', 'empty'];
const VALUES: readonly unknown[] = [
  'pro',
  'free',
  'PRO',
  '9.05',
  9.05,
  '10.49',
  '1.2.10',
  '1.3.0',
  '10.0',
  10,
  5,
  0,
  '0.0',
  '007',
  'abc',
  '-20',
  '1e3',
  1000,
  true,
  false,
  null,
  '',
  'xabc',
  '152',
  'a*b',
  'axb',
];
const OPERANDS = [
  'pro',
  'lower(PRO)',
  'wildcard(*r*)',
  'wildcard(p*)',
  'wildcard(*o)',
  'wildcard(a*b)',
  'wildcard(1.5*)',
  'regex(^p.*)',
  'regex(ABC)',
  'regex(^\\d+$)',
  'regex([)',
  'gt(10.5)',
  'gt(9.5)',
  'gte(10)',
  'lt(5)',
  'lte(10)',
  'gt(1.2.3)',
  '9.5',
  '01.2',
  '0',
  '1.0',
  '1e3',
  '5abc',
  'true',
  'True',
  'lower(TRUE)',
  'null',
  '',
  '[object Object]',
  ' gt(5)',
  'gt(-5)',
];

export interface GenerateOptions {
  /** Allow nodes that make 1.35.0 throw in pre-segmentation (a disabled flag on both sides). */
  readonly throwing?: boolean;
  /** Mostly A/B and personalise campaigns open to everyone, in groups: many group draws. */
  readonly groupHeavy?: boolean;
  /** Duplicate keys and ids, unknown types, odd group options and weights. */
  readonly weird?: boolean;
  /** Many `inlist(…)` leaves (for a gateway that answers them). */
  readonly lists?: boolean;
}

export function segment(
  rng: Random,
  depth: number,
  userIds: readonly string[],
  options: GenerateOptions & { whitelisting?: boolean } = {},
): Json {
  const roll = rng.next();
  if (options.lists && !options.whitelisting && roll > 0.7) {
    return { custom_variable: { [rng.pick(VARIABLE_NAMES)]: rng.pick(['inlist(abc)', 'inlist(list2)', 'xinlist(l3)y', 'inlist()']) } };
  }
  if (depth < 2 && roll < 0.25) {
    const kind = rng.pick(['and', 'or', 'not'] as const);
    if (kind === 'not') return { not: segment(rng, depth + 1, userIds, options) };
    const count = rng.int(0, 3);
    return { [kind]: Array.from({ length: count }, () => segment(rng, depth + 1, userIds, options)) };
  }
  if (roll < 0.35) {
    const ids = Array.from({ length: rng.int(1, 3) }, () => rng.pick(userIds)).join(rng.pick([',', ', ', ' ,']));
    return { user: ids };
  }
  if (roll < 0.4 && !options.whitelisting) {
    if (rng.chance(0.3)) {
      return { custom_variable: { [rng.pick(VARIABLE_NAMES)]: rng.pick(['inlist(abc)', 'inlist(list2)', 'xinlist(l3)y', 'inlist()']) } };
    }
    return rng.pick<Json>([
      { featureId: { '1': 'on' } },
      { featureId: { '2': 'off' } },
      { featureId: { '99': 'on' } },
      { country: 'US' },
      { city: '"Paris"' },
      { os: rng.pick(['windows', 'wildcard(mac*)', ['linux', 'Android']]) },
      { device_type: 'mobile' },
      { ua: rng.pick(['wildcard(*Mozilla*)', 'regex(X11)', 'lower(curl)']) },
      { ip_address: rng.pick(['1.2.3.4', 'wildcard(10.*)', 'regex(^1\\.)']) },
      { browser_version: rng.pick(['gte(120)', 'lt(100)', 'wildcard(1.2.*)']) },
      { os_version: 'gt(10)' },
      { custom_variable: { plan: 'inlist(abc)' } },
    ]);
  }
  if (options.throwing && !options.whitelisting && roll < 0.43) {
    return rng.pick<Json>([{ custom_variable: { plan: 5 } }, { not: null }, { and: [null] }, { user: 5 }, { custom_variable: 'x' }]);
  }
  if (roll < 0.45) return rng.pick<Json>([{}, { not: {} }, { and: {} }, { or: {} }, { custom_variable: {} }, { unknown: 'x' }]);
  return { custom_variable: { [rng.pick(VARIABLE_NAMES)]: rng.pick(OPERANDS) } };
}

function variables(rng: Random, variationId: number): Json[] {
  const count = rng.int(0, 2);
  return Array.from({ length: count }, (_, index) => ({
    id: index + 1,
    key: rng.pick(['title', 'limit', 'json', 'on']),
    type: rng.pick(['string', 'integer', 'json', 'boolean']),
    value: rng.pick<unknown>([`v${variationId}`, variationId * 10, { nested: variationId }, rng.chance(0.5), '10']),
  }));
}

function weights(rng: Random, count: number): number[] {
  const style = rng.int(0, 3);
  if (style === 0) return Array.from({ length: count }, () => Math.round(100 / count));
  if (style === 1) return Array.from({ length: count }, () => rng.int(0, 60));
  if (style === 2) return Array.from({ length: count }, () => rng.pick([33.33, 33.34, 0.07, 10.005, 50, 49.5, 1.1]));
  const cut = Array.from({ length: count - 1 }, () => rng.int(0, 100)).sort((a, b) => a - b);
  return [...cut, 100].map((value, index) => value - (index === 0 ? 0 : (cut[index - 1] as number)));
}

export interface Scenario {
  readonly settings: Json;
  readonly featureKeys: readonly string[];
}

export function settingsFile(rng: Random, options: GenerateOptions = {}): Scenario {
  const campaignCount = rng.int(1, 6);
  const campaigns: Json[] = [];
  for (let i = 0; i < campaignCount; i++) {
    const id = 10 + i;
    const type = options.groupHeavy
      ? rng.pick(['FLAG_ROLLOUT', 'FLAG_TESTING', 'FLAG_TESTING', 'FLAG_TESTING', 'FLAG_PERSONALIZE', 'FLAG_PERSONALIZE'])
      : rng.pick(['FLAG_ROLLOUT', 'FLAG_ROLLOUT', 'FLAG_TESTING', 'FLAG_TESTING', 'FLAG_PERSONALIZE']);
    const ab = type === 'FLAG_TESTING';
    const variationCount = ab ? rng.int(1, 3) : rng.int(1, 2);
    const shares = weights(rng, variationCount);
    const forced = ab && rng.chance(0.3);
    const variations = shares.map((weight, index) => {
      const variationId = index + 1;
      const variation: Json = {
        id: rng.chance(0.03) ? String(variationId) : variationId,
        name: `v${variationId}`,
        weight: ab ? (rng.chance(0.05) ? String(weight) : weight) : rng.pick<unknown>([100, 100, 50, 0, 30.5, '80', rng.int(0, 100)]),
      };
      if (ab) {
        if (forced && rng.chance(0.5)) variation.segments = segment(rng, 1, USER_IDS, { whitelisting: true });
        else if (rng.chance(0.5)) variation.segments = {};
      } else if (!options.throwing || rng.chance(0.95)) {
        variation.segments = rng.chance(options.groupHeavy ? 0.9 : 0.6) ? {} : segment(rng, 0, USER_IDS, options);
      }
      if (!ab && rng.chance(0.3)) variation.salt = rng.pick(['saltR', 'saltP', '']);
      variation.variables = variables(rng, variationId);
      return variation;
    });
    const campaign: Json = {
      id,
      key: `c${id}`,
      name: `Campaign ${id}`,
      type,
      status: rng.pick(['RUNNING', 'PAUSED']),
      segments: ab && rng.chance(options.groupHeavy ? 0.1 : 0.45) ? segment(rng, 0, USER_IDS, options) : {},
      variations,
    };
    if (ab && rng.chance(0.9)) {
      campaign.percentTraffic = options.groupHeavy ? rng.pick([100, 100, 100, 80]) : rng.pick([100, 100, 50, 30, 0, 49.5, rng.int(1, 100)]);
    }
    if (ab && rng.chance(0.3)) campaign.salt = rng.pick(['saltT', 'x']);
    if (forced) campaign.isForcedVariationEnabled = true;
    if (rng.chance(0.2)) campaign.isUserListEnabled = true;
    campaigns.push(campaign);
  }

  const featureCount = rng.int(1, 3);
  const features: Json[] = [];
  for (let f = 0; f < featureCount; f++) {
    const rules: Json[] = [];
    const ruleCount = rng.int(0, 4);
    for (let r = 0; r < ruleCount; r++) {
      const campaign = rng.pick(campaigns);
      const variationList = campaign.variations as Json[];
      const rule: Json = { type: campaign.type, ruleKey: `r${r}`, campaignId: rng.chance(0.05) ? 999 : campaign.id };
      if (campaign.type !== 'FLAG_TESTING' || rng.chance(0.1))
        rule.variationId = Number(rng.pick(variationList).id) + (rng.chance(0.05) ? 5 : 0);
      rules.push(rule);
    }
    const feature: Json = {
      id: f + 1,
      key: `f${f + 1}`,
      name: `Feature ${f + 1}`,
      type: 'FEATURE_FLAG',
      status: rng.pick(['ON', 'OFF']),
      metrics: [{ id: 1, type: 'CUSTOM_GOAL', identifier: `e${f}` }],
      rules,
    };
    if (rng.chance(0.2)) feature.impactCampaign = { campaignId: 500 + f, type: 'IMPACT' };
    if (rng.chance(0.3)) feature.isDebuggerEnabled = true;
    features.push(feature);
  }

  const settings: Json = {
    version: 1,
    accountId: rng.pick<unknown>([123456, '123456', 99]),
    sdkKey: 'abcdef0123456789abcdef0123456789',
    campaigns,
    features,
  };

  // Groups of A/B and personalise campaigns only: 1.35.0 cannot answer for a rollout in a group.
  const groupable = campaigns.filter((campaign) => campaign.type !== 'FLAG_ROLLOUT');
  if (groupable.length >= 2 && rng.chance(options.groupHeavy ? 1 : 0.7)) {
    const members = groupable.filter(() => rng.chance(0.8));
    if (members.length >= 2) {
      const groupId = rng.pick([7, 3]);
      const refs = members.map((campaign) =>
        campaign.type === 'FLAG_PERSONALIZE' ? `${campaign.id}_${(campaign.variations as Json[])[0]?.id}` : String(campaign.id),
      );
      const group: Json = { name: `g${groupId}`, campaigns: refs };
      const algorithm = rng.int(0, 2);
      if (algorithm === 1) group.et = 1;
      if (algorithm === 2) {
        group.et = 2;
        if (rng.chance(0.5)) group.p = rng.chance(0.5) ? [] : [rng.pick(refs)];
        const wt: Json = {};
        for (const ref of refs) if (rng.chance(0.7)) wt[ref] = rng.pick([30, 70, 50, 0, 33.3]);
        group.wt = wt;
      }
      settings.groups = { [groupId]: group };
      settings.campaignGroups = Object.fromEntries(refs.map((ref) => [ref, groupId]));
    }
  }
  if (options.weird) addOddities(rng, settings);
  return { settings, featureKeys: features.map((feature) => feature.key as string) };
}

export interface ContextCase {
  readonly id: string;
  readonly userAgent?: string;
  readonly ipAddress?: string;
  readonly customVariables?: Json;
  readonly variationTargetingVariables?: Json;
  readonly _vwo?: Json;
}

export function context(rng: Random): ContextCase {
  // Now and then a numeric id: 1.35.0 accepts it and stringifies it in seeds.
  const result: Record<string, unknown> = { id: rng.chance(0.05) ? rng.pick([42, 7, 1.5]) : rng.pick(USER_IDS) };
  if (rng.chance(0.8)) {
    const vars: Json = {};
    for (const name of VARIABLE_NAMES) if (rng.chance(0.5)) vars[name] = rng.pick(VALUES);
    result.customVariables = vars;
  }
  if (rng.chance(0.4)) {
    const vars: Json = {};
    for (const name of VARIABLE_NAMES) if (rng.chance(0.5)) vars[name] = rng.pick(VALUES);
    result.variationTargetingVariables = vars;
  }
  if (rng.chance(0.3)) result.userAgent = rng.pick(['Mozilla/5.0 (X11)', 'curl/8', 'Mozilla%2F5.0', 'Mozilla "Ünï" \\ ✓']);
  if (rng.chance(0.3)) result.postSegmentationVariables = ['plan', '_vwoUserId', 'age', 'nope'].filter(() => rng.chance(0.6));
  if (rng.chance(0.3)) result.ipAddress = rng.pick(['1.2.3.4', '10.0.0.1']);
  if (rng.chance(0.2)) {
    result._vwo = {
      location: rng.chance(0.7) ? { country: 'US', city: 'Paris' } : undefined,
      userAgent: rng.chance(0.7) ? { os: 'Windows', device_type: 'Mobile', browser_version: '120.0.1', os_version: '11' } : undefined,
    };
  }
  return result as unknown as ContextCase;
}

/** Storage records a user may already have: none mostly, sometimes stale or foreign ones. */
export function storedRecords(rng: Random, scenario: Scenario, userId: string): Json[] {
  if (!rng.chance(0.25)) return [];
  const campaigns = scenario.settings.campaigns as Json[];
  const records: Json[] = [];
  for (const featureKey of scenario.featureKeys) {
    if (!rng.chance(0.5)) continue;
    const campaign = rng.pick(campaigns);
    const variation = rng.pick(campaign.variations as Json[]);
    const variationId = rng.chance(0.8) && variation ? variation.id : 9;
    const rollout = campaign.type === 'FLAG_ROLLOUT';
    records.push({
      featureKey,
      userId,
      rolloutId: rollout ? campaign.id : undefined,
      rolloutKey: rollout ? campaign.key : undefined,
      rolloutVariationId: rollout ? variationId : undefined,
      experimentId: rollout ? undefined : campaign.id,
      experimentKey: rollout ? undefined : campaign.key,
      experimentVariationId: rollout ? undefined : variationId,
    });
  }
  const groups = scenario.settings.groups as Record<string, Json> | undefined;
  if (groups && rng.chance(0.5)) {
    const [groupId] = Object.keys(groups);
    const campaign = rng.pick(campaigns);
    records.push({
      featureKey: `_vwo_meta_meg_${groupId}`,
      userId,
      experimentId: campaign.id,
      experimentKey: campaign.key,
      experimentVariationId: campaign.type === 'FLAG_PERSONALIZE' ? (campaign.variations as Json[])[0]?.id : -1,
    });
  }
  return records;
}

export { Random };

function addOddities(rng: Random, settings: Json): void {
  const campaigns = settings.campaigns as Json[];
  const features = settings.features as Json[];
  const odd = rng.int(0, 9);
  if (odd === 0 && features.length > 1) (features[1] as Json).key = (features[0] as Json).key;
  // Not with groups: a rollout sharing a grouped campaign's id joins the group, and 1.35.0 then recurses forever.
  if (odd === 1 && campaigns.length > 1 && !settings.groups) (campaigns[1] as Json).id = (campaigns[0] as Json).id;
  if (odd === 2 && campaigns.length > 1) (campaigns[1] as Json).key = (campaigns[0] as Json).key;
  if (odd === 3) (rng.pick(campaigns) as Json).type = 'FLAG_OTHER';
  if (odd === 4) ((rng.pick(campaigns) as Json).variations as Json[])[0]!.weight = rng.pick(['abc', '', '33.5']);
  if (odd === 5) (rng.pick(campaigns) as Json).salt = '';
  if (odd === 6) (rng.pick(campaigns) as Json).variations = [];
  const groups = settings.groups as Record<string, Json> | undefined;
  if (groups) {
    const group = Object.values(groups)[0] as Json;
    const refs = group.campaigns as string[];
    const choice = rng.int(0, 6);
    if (choice === 0) group.et = '1';
    if (choice === 1) group.et = null;
    if (choice === 2) group.p = [Number(refs[0]), 'nope'];
    if (choice === 3) group.wt = Object.fromEntries(refs.map((ref) => [ref, '40']));
    if (choice === 4) group.p = null;
    if (choice === 5) group.campaigns = [...refs, '999', `${refs[0]}_77`];
    if (choice === 6) settings.campaignGroups = { ...(settings.campaignGroups as Json), '999': 8 };
  }
}
