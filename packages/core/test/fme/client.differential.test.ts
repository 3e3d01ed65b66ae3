/**
 * Client-level differential test: `createFmeClient` against vwo-fme-node-sdk 1.35.0 on generated
 * settings, contexts and storage states, valid and invalid calls alike. Every call is compared
 * on its answer (flag, variables, `getVariable`), the storage records written, the integrations
 * payloads and every request sent (debug events included), masked only where events.md says
 * values are random or clock readings. FME_CLIENT_DIFF_CASES=<n> runs more scenarios (default 150).
 */
import { describe, expect, it } from 'vitest';
import { runClientDifferential } from './support/client-differential.js';

const SCENARIOS = Number(process.env.FME_CLIENT_DIFF_CASES ?? 150);
const SEED = Number(process.env.FME_DIFF_SEED ?? 20261206);

describe('createFmeClient agrees with vwo-fme-node-sdk 1.35.0', () => {
  it(`on ${SCENARIOS} generated scenarios of getFlag, trackEvent, setAttribute and refused calls (seed ${SEED})`, async () => {
    const { differences, totals } = await runClientDifferential(SCENARIOS, SEED, false);
    console.log(
      `FME client differential: ${SCENARIOS} scenarios, ${totals.calls} calls, ${totals.requests} requests, ${totals.writes} storage writes, ${totals.payloads} integrations payloads compared; ${differences.length} differences`,
    );
    expect(differences.slice(0, 6)).toEqual([]);
  }, 600_000);
});
