/**
 * The client-level differential test (client.differential.test.ts) with neither storage nor an
 * integrations callback on either side, as most clients run: ours then decides in the calling
 * tick, without awaiting anything. Same generated scenarios and comparison; no storage writes
 * or integrations payloads to compare. FME_CLIENT_DIFF_CASES=<n> runs more scenarios (default 150).
 */
import { describe, expect, it } from 'vitest';
import { runClientDifferential } from './support/client-differential.js';

const SCENARIOS = Number(process.env.FME_CLIENT_DIFF_CASES ?? 150);
const SEED = Number(process.env.FME_DIFF_SEED ?? 20261206);

describe('createFmeClient without storage or integrations agrees with vwo-fme-node-sdk 1.35.0', () => {
  it(`on ${SCENARIOS} generated scenarios of getFlag, trackEvent, setAttribute and refused calls (seed ${SEED})`, async () => {
    const { differences, totals } = await runClientDifferential(SCENARIOS, SEED, true);
    console.log(
      `FME client differential, no storage or integrations: ${SCENARIOS} scenarios, ${totals.calls} calls, ${totals.requests} requests compared; ${differences.length} differences`,
    );
    expect(totals.requests).toBeGreaterThan(0);
    expect(totals.writes + totals.payloads).toBe(0);
    expect(differences.slice(0, 6)).toEqual([]);
  }, 600_000);
});
