/**
 * The client-level differential run shared by client.differential.test.ts (storage and an
 * integrations callback on both sides) and client.plain.differential.test.ts (neither: the
 * client decides in the calling tick then, and builds no integrations copy).
 */
import { OurSide, ReferenceSide } from './client-reference.js';
import { context, Random, settingsFile, storedRecords } from './generate.js';

const EVENT_PROPERTIES: readonly (Record<string, unknown> | undefined)[] = [undefined, {}, { revenue: 12.5 }, { id: 9, list: [1] }];
const ATTRIBUTES: readonly Record<string, unknown>[] = [{ x: 1, y: 'z', b: true }, { plan: 'pro' }];

/** Calls 1.35.0 refuses, each answered with its error value and one debug event. */
const BAD_CALLS: readonly (readonly [string, ...unknown[]])[] = [
  ['getFlag', 1, { id: 'u1' }],
  ['getFlag', 'f', {}],
  ['getFlag', 'f', null],
  ['getFlag', 'f', { id: 0 }],
  ['trackEvent', 5, { id: 'u1' }],
  ['trackEvent', 'e0', { id: 'u1' }, []],
  ['trackEvent', 'e0', { id: 'u1' }, null],
  ['trackEvent', 'e0', {}],
  ['setAttribute', 'k', null, { id: 'u1' }],
  ['setAttribute', {}, { id: 'u1' }],
  ['setAttribute', { a: [1] }, { id: 'u1' }],
  ['setAttribute', 'k', 1, {}],
  ['setAttribute', 5, 1, { id: 'u1' }],
  ['setAttribute', 'k', 1, { id: 'u1' }],
  ['setAttribute', { k: 1 }, null, { id: 'u2' }],
  ['flushEvents'],
  ['updateSettings', { foo: 1 }, false],
];

/** Differences found and what was compared, over `scenarios` generated scenarios from `seed`. */
export async function runClientDifferential(
  scenarios: number,
  seed: number,
  plain: boolean,
): Promise<{ differences: string[]; totals: { calls: number; requests: number; writes: number; payloads: number } }> {
  const reference = new ReferenceSide(plain);
  const rng = new Random(seed);
  const differences: string[] = [];
  const totals = { calls: 0, requests: 0, writes: 0, payloads: 0 };
  let started = false;
  for (let scenario = 0; scenario < scenarios; scenario++) {
    const generated = settingsFile(rng, { throwing: scenario % 4 === 0, groupHeavy: scenario % 4 === 1, weird: scenario % 4 === 2 });
    if (started) await reference.useSettings(generated.settings);
    else {
      await reference.start(generated.settings);
      started = true;
    }
    const ours = new OurSide(plain);
    ours.start(generated.settings);
    const ctx = context(rng) as unknown as Record<string, unknown>;
    const initial = storedRecords(rng, generated, String(ctx.id));
    const seed = () => new Map(initial.map((record) => [`${String(record.featureKey)}\u0000${String(ctx.id)}`, { ...record }]));
    reference.store = seed();
    ours.store = seed();
    const pickKey = () => (rng.chance(0.05) ? 'missing' : rng.pick(generated.featureKeys));
    const keys = [pickKey(), pickKey()];
    const calls: (readonly [string, ...unknown[]])[] = [
      ['getFlag', keys[0], ctx],
      ['getFlag', keys[0], ctx],
      ['getFlag', keys[1], ctx],
      ['trackEvent', rng.pick(['e0', 'e1', 'e2', 'nope']), ctx, rng.pick(EVENT_PROPERTIES)],
      ['setAttribute', rng.pick(ATTRIBUTES), ctx],
    ];
    if (rng.chance(0.3)) calls.push(rng.pick(BAD_CALLS));
    for (const [method, ...args] of calls) {
      const theirs = await reference.call(method, ...args);
      const mine = await ours.call(method, ...args);
      totals.calls++;
      totals.requests += theirs.requests.length;
      totals.writes += theirs.writes.length;
      totals.payloads += theirs.integrations.length;
      for (const field of ['answer', 'requests', 'writes', 'integrations'] as const) {
        const a = JSON.stringify(mine[field]);
        const b = JSON.stringify(theirs[field]);
        if (a !== b) {
          differences.push(
            `scenario ${scenario} ${method}(${JSON.stringify(args)}) ${field}:\n  ours   ${a}\n  1.35.0 ${b}` +
              (differences.length < 2 ? `\n  settings ${JSON.stringify(generated.settings)}\n  stored ${JSON.stringify(initial)}` : ''),
          );
        }
      }
    }
    await ours.close();
  }
  return { differences, totals };
}
