import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('the README example', () => {
  it('prints a decision table, a decision trace and the campaigns of a goal', () => {
    const run = spawnSync(process.execPath, [new URL('../main.mjs', import.meta.url).pathname], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    // Ashley: 4986 → Control of the 50/50 test (bucketing.md §6 example 1).
    expect(run.stdout).toMatch(/'Ashley'.*'Control'/);
    expect(run.stdout).toContain('Why José gets');
    expect(run.stdout).toContain("track(null, user, 'purchase') reaches: checkout-button, pricing-page");
  });
});
