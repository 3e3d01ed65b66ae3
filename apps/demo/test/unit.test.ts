import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../src/html.js';
import { DEFAULT_PRICING, orderValue, trialChance } from '../src/model.js';
import { population } from '../src/population.js';
import { createProgress } from '../src/progress.js';
import { seededRandom } from '../src/random.js';

describe('the seeded random numbers', () => {
  it('replay exactly for the same seed and differ for another', () => {
    const a = seededRandom('s');
    const b = seededRandom('s');
    const c = seededRandom('t');
    const xs = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c.next())).not.toEqual(xs);
  });

  it('are uniform enough: 100,000 draws in 10 bins within 2% of each other', () => {
    const random = seededRandom(42);
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) bins[Math.floor(random.next() * 10)]!++;
    for (const bin of bins) expect(Math.abs(bin - 10_000)).toBeLessThan(400);
  });

  it('pick follows the weights', () => {
    const random = seededRandom('pick');
    let heads = 0;
    for (let i = 0; i < 20_000; i++) if (random.pick(['h', 't'], [3, 1]) === 'h') heads++;
    expect(heads / 20_000).toBeCloseTo(0.75, 1);
  });
});

describe('the population', () => {
  it('starts with the three whitelisted testers, then unique visitors with plan, country and device', () => {
    const users = [...population(1000, seededRandom('p'))];
    expect(users).toHaveLength(1000);
    expect(users.slice(0, 3).map((u) => u.id)).toEqual(['qa-anna', 'qa-ben', 'qa-chen']);
    expect(new Set(users.map((u) => u.id)).size).toBe(1000);
    const plans = new Set(users.map((u) => u.vars.plan));
    expect(plans).toEqual(new Set(['free', 'pro', 'business']));
    for (const user of users) expect(user.sessions).toBeGreaterThanOrEqual(1);
    expect([...population(50, seededRandom('p'))][0]?.id).not.toBe('qa-anna');
  });
});

describe('the behaviour model', () => {
  it('orders are positive and rounded to cents; the page changes the trial chance', () => {
    const value = orderValue('pro', DEFAULT_PRICING, 0.3);
    expect(value).toBeGreaterThan(0);
    expect(Math.round(value * 100) / 100).toBe(value);
    expect(trialChance({ ...DEFAULT_PRICING, cta: 'Start free trial' })).toBeGreaterThan(trialChance(DEFAULT_PRICING));
  });
});

describe('progress output', () => {
  it('plain lines at each quarter when not a terminal', () => {
    const out: string[] = [];
    const progress = createProgress(1000, { isTTY: false, write: (t: string) => out.push(t) });
    for (let done = 250; done <= 1000; done += 250) progress.update(done);
    progress.finish(1000);
    expect(out).toEqual([
      'simulated 250 of 1,000 users (25%)\n',
      'simulated 500 of 1,000 users (50%)\n',
      'simulated 750 of 1,000 users (75%)\n',
      'simulated 1,000 of 1,000 users (100%)\n',
    ]);
  });

  it('a bar redrawn in place on a terminal', () => {
    const out: string[] = [];
    let t = 0;
    const progress = createProgress(100, { isTTY: true, columns: 100, write: (s: string) => out.push(s) }, () => t);
    t = 500;
    progress.update(50);
    progress.finish(100);
    expect(out[0]).toMatch(/^\r█+░+ 50\/100 users {2}50%/);
    expect(out.at(-1)).toBe('\n');
  });
});

describe('the HTML report', () => {
  it('escapes text', () => {
    expect(escapeHtml(`<b a="x">&'`)).toBe('&#60;b a=&#34;x&#34;&#62;&#38;&#39;');
  });
});
