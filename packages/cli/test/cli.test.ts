import { readFileSync } from 'node:fs';
import { decide, parseSettings } from '@vwo/core';
import { describe, expect, it } from 'vitest';
import { fixture, json, vwo } from './support/bin.js';

const SETTINGS = fixture('settings.json');
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

describe('vwo --help, --version and usage mistakes', () => {
  it('--help prints every command and exits 0', () => {
    const run = vwo(['--help']);
    expect(run).toMatchObject({ status: 0, stderr: '' });
    for (const command of ['validate', 'decide', 'explain', 'simulate']) expect(run.stdout).toContain(`vwo ${command}`);
  });

  it('--version prints the package version', () => {
    expect(vwo(['--version'])).toMatchObject({ status: 0, stdout: `${version}\n` });
    expect(vwo(['-v']).stdout.trim()).toBe(version);
  });

  it('each command has its own help', () => {
    for (const command of ['validate', 'decide', 'explain', 'simulate']) {
      const run = vwo([command, '--help']);
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^Usage: vwo ${command}`));
      expect(vwo(['help', command]).stdout).toBe(run.stdout);
    }
  });

  it('no arguments: the help on stderr, exit 2', () => {
    const run = vwo([]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Usage:');
  });

  it('an unknown command suggests the close one', () => {
    const run = vwo(['valdate', SETTINGS]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('vwo: unknown command "valdate"; did you mean validate?\n');
  });

  it('an unknown flag is named, with the flag meant', () => {
    const run = vwo(['decide', SETTINGS, '--campain', 'checkout-button', '--user', 'u']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('vwo decide: unknown option --campain; did you mean --campaign? (see vwo decide --help)\n');
  });

  it('a flag without its value, a missing flag, a missing file argument, a second file', () => {
    expect(vwo(['decide', SETTINGS, '--user', 'u', '--campaign'])).toMatchObject({
      status: 2,
      stderr: 'vwo decide: --campaign needs a value (see vwo decide --help)\n',
    });
    expect(vwo(['decide', SETTINGS, '--user', 'u'])).toMatchObject({
      status: 2,
      stderr: 'vwo decide: --campaign is required (--campaign <key>)\n',
    });
    expect(vwo(['explain', '--campaign', 'x', '--user', 'u']).stderr).toMatch(/^vwo explain: which settings file\?/);
    expect(vwo(['validate', SETTINGS, SETTINGS]).stderr).toMatch(/^vwo validate: unexpected argument/);
    expect(vwo(['validate', SETTINGS, '--json=yes'])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--json takes no value'),
    });
  });
});

describe('vwo validate', () => {
  it('a good file: "valid", no warnings, exit 0', () => {
    const run = vwo(['validate', SETTINGS]);
    expect(run).toMatchObject({ status: 0, stderr: '' });
    expect(run.stdout).toBe(`${SETTINGS}: valid (6 campaigns, 5 running, account 888888; no warnings)\n`);
  });

  it('an odd but accepted file: valid, with every warning listed', () => {
    const run = vwo(['validate', fixture('warnings.json')]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('valid (1 campaign, 0 running, account 1), with 3 warnings:');
    expect(run.stdout).toContain('  warning: campaigns[0].status: "running" is not "RUNNING"');
    expect(run.stdout).toContain('  warning: campaigns[0].variations[1].weight: expected a number, got "40"');
    expect(run.stdout).toContain('  warning: campaigns[0].variations: ranges cover buckets 1…8000 of 10000');
  });

  it('a bad file: every bad field path, exit 1', () => {
    const run = vwo(['validate', fixture('invalid.json')]);
    expect(run.status).toBe(1);
    const paths = [
      'sdkKey',
      'version',
      'accountId',
      'campaignGroups.2',
      'campaigns[0].percentTraffic',
      'campaigns[0].segments',
      'campaigns[1].key',
      'campaigns[1].isMAB',
    ];
    expect(run.stdout).toMatch(/invalid, 8 problems/);
    for (const path of paths) expect(run.stdout).toMatch(new RegExp(`^  ${path.replace(/[[\].]/g, '\\$&')}: `, 'm'));
  });

  it('--json gives the issues and warnings as data', () => {
    const bad = vwo(['validate', fixture('invalid.json'), '--json']);
    expect(bad.status).toBe(1);
    const body = json(bad) as { valid: boolean; issues: { path: string }[] };
    expect(body.valid).toBe(false);
    expect(body.issues.map((i) => i.path)).toContain('campaigns[0].percentTraffic');
    const odd = json(vwo(['validate', fixture('warnings.json'), '--json'])) as { valid: boolean; warnings: unknown[] };
    expect(odd).toMatchObject({ valid: true });
    expect(odd.warnings).toHaveLength(3);
  });

  it('reads standard input for -', () => {
    const run = vwo(['validate', '-'], readFileSync(SETTINGS, 'utf8'));
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^-: valid/);
  });

  it('a missing file, a directory, bad JSON: one line each, exit 2', () => {
    expect(vwo(['validate', 'nope.json'])).toMatchObject({ status: 2, stdout: '', stderr: 'vwo: cannot read nope.json: no such file\n' });
    expect(vwo(['validate', fixture('')])).toMatchObject({ status: 2, stderr: expect.stringContaining('it is a directory, not a file') });
    const bad = vwo(['validate', fixture('bad-json.json')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe(
      `vwo: ${fixture('bad-json.json')}:4:3: not valid JSON (at character 38): expected ',' or '}' after a property value, found '"'\n`,
    );
    const trailing = vwo(['validate', fixture('trailing-comma.json')]);
    expect(trailing.stderr).toMatch(/trailing-comma\.json:5:1: not valid JSON .*a trailing comma before \} is not allowed/);
    expect(trailing.stderr.split('\n')).toHaveLength(2);
  });
});

describe('vwo decide', () => {
  it('an A/B test: every API, and which goals track counts (revenue goals with a revenue)', () => {
    const run = vwo(['decide', SETTINGS, '--campaign', 'checkout-button', '--user', 'Ashley']);
    expect(run).toMatchObject({ status: 0, stderr: '' });
    expect(json(run)).toEqual({
      campaign: 'checkout-button',
      type: 'VISUAL_AB',
      status: 'RUNNING',
      user: 'Ashley',
      decision: { outcome: 'bucketed', variation: 'Control' },
      activate: 'Control',
      getVariationName: 'Control',
      isFeatureEnabled: false,
      getFeatureVariableValue: {},
      track: { purchase: true, signup: true },
      notes: ['isFeatureEnabled: campaign checkout-button is of type VISUAL_AB, which isFeatureEnabled does not serve'],
    });
  });

  it('a feature test: the variables of every type, cast as the SDK casts them', () => {
    const settings = parseSettings(JSON.parse(readFileSync(SETTINGS, 'utf8')));
    if (!settings.ok) throw settings.error;
    // Find a user in Cards, one in Control, using the core's own decide.
    const userIn = (name: string) => {
      for (let i = 0; ; i++) if (decide(settings.settings, 'pricing-page', `u${i}`).variationName === name) return `u${i}`;
    };
    const cards = json(vwo(['decide', SETTINGS, '-c', 'pricing-page', '-u', userIn('Cards')]));
    expect(cards).toMatchObject({
      activate: null,
      getVariationName: 'Cards',
      isFeatureEnabled: true,
      getFeatureVariableValue: { title: 'Pick a plan', columns: 4, discount: 0.2, annual: true, layout: { style: 'cards' } },
      track: { purchase: true },
    });
    // Control has the feature off: the variables are the control's.
    const control = json(vwo(['decide', SETTINGS, '-c', 'pricing-page', '-u', userIn('Control')]));
    expect(control).toMatchObject({ isFeatureEnabled: false, getFeatureVariableValue: { title: 'Plans', columns: 3, annual: false } });
  });

  it('a rollout behind a segment: off without the variables, on with them', () => {
    const settings = parseSettings(JSON.parse(readFileSync(SETTINGS, 'utf8')));
    if (!settings.ok) throw settings.error;
    let user = 'u0';
    for (let i = 0; decide(settings.settings, 'new-search', user, { customVariables: { plan: 'pro' } }).variationName === null; i++)
      user = `u${i}`;
    const off = json(vwo(['decide', SETTINGS, '-c', 'new-search', '-u', user]));
    expect(off).toMatchObject({
      decision: { outcome: 'segment-failed' },
      isFeatureEnabled: false,
      getFeatureVariableValue: { results: null, engine: null },
    });
    const on = json(vwo(['decide', SETTINGS, '-c', 'new-search', '-u', user, '--vars', '{"plan":"PRO"}']));
    expect(on).toMatchObject({ isFeatureEnabled: true, getFeatureVariableValue: { results: 25, engine: 'v2' }, track: {} });
  });

  it('whitelisting through --targeting wins over bucketing', () => {
    const run = json(vwo(['decide', SETTINGS, '-c', 'checkout-button', '-u', 'Ashley', '--targeting', '{"role":"qa"}']));
    expect(run).toMatchObject({ decision: { outcome: 'whitelisted', variation: 'Green' }, activate: 'Green' });
  });

  it('agrees with the core for 200 users in every campaign', () => {
    const parsed = parseSettings(JSON.parse(readFileSync(SETTINGS, 'utf8')));
    if (!parsed.ok) throw parsed.error;
    for (const key of ['checkout-button', 'pricing-page', 'hero-a']) {
      for (let i = 0; i < 200; i += 40) {
        const user = `user-${i}`;
        const answer = json(vwo(['decide', SETTINGS, '-c', key, '-u', user])) as { getVariationName: string | null };
        expect(answer.getVariationName).toBe(decide(parsed.settings, key, user).variationName);
      }
    }
  });

  it('a paused campaign answers null everywhere, with the reason', () => {
    const run = json(vwo(['decide', SETTINGS, '-c', 'old-banner', '-u', 'x']));
    expect(run).toMatchObject({ status: 'PAUSED', decision: { outcome: 'campaign-not-running' }, activate: null, getVariationName: null });
    expect(run.notes).toContain('activate: campaign "old-banner" is not running');
  });

  it('an unknown campaign suggests the close keys, exit 2', () => {
    const run = vwo(['decide', SETTINGS, '-c', 'pricng-page', '-u', 'x']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`vwo: unknown campaign "pricng-page" in ${SETTINGS}; did you mean "pricing-page"?\n`);
    const far = vwo(['decide', SETTINGS, '-c', 'zzz', '-u', 'x']);
    expect(far.stderr).toContain('; its campaigns are "checkout-button", "new-search", "pricing-page"');
  });

  it('bad --vars, --targeting and --revenue are named, exit 2', () => {
    expect(vwo(['decide', SETTINGS, '-c', 'new-search', '-u', 'x', '--vars', '{plan:1}'])).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/^vwo: --vars: not valid JSON at column 2: expected a property name in double quotes/),
    });
    expect(vwo(['decide', SETTINGS, '-c', 'new-search', '-u', 'x', '--targeting', '[1]']).stderr).toMatch(
      /^vwo: --targeting: expected a JSON object such as/,
    );
    expect(vwo(['decide', SETTINGS, '-c', 'checkout-button', '-u', 'x', '--revenue', 'lots']).stderr).toBe(
      'vwo decide: --revenue expects a number, got "lots"\n',
    );
  });

  it('an invalid settings file: the problems, exit 1', () => {
    const run = vwo(['decide', fixture('invalid.json'), '-c', 'a', '-u', 'x']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/is not a valid settings file \(8 problems/);
    expect(run.stderr).toContain('  campaigns[0].percentTraffic: expected a number, got "50"');
  });
});

describe('vwo explain', () => {
  it('one line per step, ✔ or ✘, and the outcome', () => {
    const run = vwo(['explain', SETTINGS, '-c', 'pricing-page', '-u', 'Ashley']);
    expect(run.status).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^pricing-page \(FEATURE_TEST\) for user "Ashley" → (Control|Cards|Table|no variation)$/);
    expect(
      lines
        .slice(1, -1)
        .every((line) => /^ {2}[✔✘] (traffic|variation|whitelisting|pre-segmentation|group|storage|campaign|feature): /.test(line)),
    ).toBe(true);
    expect(lines.at(-1)).toMatch(/^outcome: .*; isFeatureEnabled answers (true|false)$/);
  });

  it('a group member that lost the user says so', () => {
    const parsed = parseSettings(JSON.parse(readFileSync(SETTINGS, 'utf8')));
    if (!parsed.ok) throw parsed.error;
    let user = 'u0';
    for (let i = 0; decide(parsed.settings, 'hero-a', user).outcome !== 'group-lost'; i++) user = `u${i}`;
    const run = vwo(['explain', SETTINGS, '-c', 'hero-a', '-u', user]);
    expect(run.stdout).toContain(`hero-a (VISUAL_AB) for user "${user}" → no variation`);
    expect(run.stdout).toMatch(/ {2}✘ group: /);
    expect(run.stdout).toContain('outcome: group-lost (won by another campaign of its group)');
  });

  it('pre-segmentation and feature state are shown', () => {
    const run = vwo(['explain', SETTINGS, '-c', 'new-search', '-u', 'x', '--vars', '{"plan":"free"}']);
    expect(run.stdout).toContain('  ✘ pre-segmentation: customVariables do not match the campaign segment');
    expect(run.stdout).toContain('outcome: segment-failed (did not pass pre-segmentation); isFeatureEnabled answers false');
  });

  it('--json prints the trace', () => {
    const trace = json(vwo(['explain', SETTINGS, '-c', 'checkout-button', '-u', 'Ashley', '--json']));
    expect(trace).toMatchObject({
      campaignKey: 'checkout-button',
      userId: 'Ashley',
      api: 'activate',
      answer: 'Control',
      variationName: 'Control',
      outcome: 'bucketed',
    });
    expect((trace.steps as { step: string }[]).map((s) => s.step)).toEqual(['whitelisting', 'traffic', 'variation']);
  });

  it('a multi-armed bandit without a user storage: the bandit rule, not a variation activate does not give', () => {
    const file = JSON.parse(readFileSync(SETTINGS, 'utf8')) as { campaigns: Record<string, unknown>[] };
    for (const campaign of file.campaigns) if (campaign.key === 'checkout-button') campaign.isMAB = true;
    const run = vwo(['explain', '-', '-c', 'checkout-button', '-u', 'Ashley'], JSON.stringify(file));
    expect(run.stdout).toContain('checkout-button (VISUAL_AB) for user "Ashley" → no variation');
    expect(run.stdout).toMatch(
      / {2}✘ api: checkout-button is a multi-armed bandit campaign and needs a user storage: activate answers null/,
    );
    expect(run.stdout).toContain(
      'outcome: bandit-without-storage (a multi-armed bandit campaign needs a user storage); activate answers null',
    );
    // getVariationName has no such rule in 1.73.0.
    const named = vwo(['explain', '-', '-c', 'checkout-button', '-u', 'Ashley', '--api', 'getVariationName'], JSON.stringify(file));
    expect(named.stdout).toContain('outcome: bucketed; getVariationName answers "Control"');
  });

  it('--api and --variable explain another call: a feature variable with the step that reads it', () => {
    // Ashley's traffic bucket is 50, within new-search's 70 %.
    const run = vwo([
      'explain',
      SETTINGS,
      '-c',
      'new-search',
      '-u',
      'Ashley',
      '--vars',
      '{"plan":"pro"}',
      '--variable',
      'results',
      '--json',
    ]);
    const trace = json(run);
    expect(trace).toMatchObject({ api: 'getFeatureVariableValue', variableKey: 'results', answer: 25, outcome: 'bucketed' });
    expect((trace.steps as { step: string }[]).at(-1)).toMatchObject({ step: 'variable' });
    expect(vwo(['explain', SETTINGS, '-c', 'new-search', '-u', 'Ashley', '--api', 'track'])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--api expects one of activate'),
    });
    expect(vwo(['explain', SETTINGS, '-c', 'new-search', '-u', 'Ashley', '--api', 'getFeatureVariableValue']).stderr).toContain(
      'needs --variable',
    );
  });
});

describe('vwo simulate', () => {
  it('splits every campaign beside its weights, with a chi-square p-value', () => {
    const run = vwo(['simulate', SETTINGS, '--users', '20000', '--json']);
    expect(run).toMatchObject({ status: 0, stderr: '' });
    const body = json(run) as {
      users: number;
      campaigns: {
        key: string;
        inVariation: number;
        outcomes: Record<string, number>;
        variations: { name: string; users: number; expectedShare: number; observedShare: number }[];
        test: { df: number; pValue: number | null };
      }[];
    };
    expect(body.users).toBe(20000);
    expect(body.campaigns.map((c) => c.key)).toEqual(['checkout-button', 'new-search', 'pricing-page', 'old-banner', 'hero-a', 'hero-b']);
    const pricing = body.campaigns.find((c) => c.key === 'pricing-page')!;
    expect(pricing.variations.map((v) => v.expectedShare)).toEqual([0.5, 0.3, 0.2]);
    expect(pricing.variations.reduce((sum, v) => sum + v.users, 0)).toBe(pricing.inVariation);
    expect(Object.values(pricing.outcomes).reduce((a, b) => a + b, 0)).toBe(20000);
    expect(pricing.inVariation / 20000).toBeGreaterThan(0.78);
    expect(pricing.inVariation / 20000).toBeLessThan(0.82);
    for (const campaign of body.campaigns.filter((c) => c.test.pValue !== null)) {
      expect(campaign.test.pValue).toBeGreaterThan(0.001);
      for (const v of campaign.variations) expect(Math.abs(v.observedShare - v.expectedShare)).toBeLessThan(0.02);
    }
    // The two group members share the users between them.
    const heroA = body.campaigns.find((c) => c.key === 'hero-a')!;
    const heroB = body.campaigns.find((c) => c.key === 'hero-b')!;
    expect(heroA.inVariation + heroB.inVariation).toBe(20000);
    expect(heroA.outcomes['group-lost']).toBe(heroB.inVariation);
  });

  it('prints a readable table per campaign; --campaign picks campaigns', () => {
    const run = vwo(['simulate', SETTINGS, '-n', '5000', '-c', 'pricing-page', '-c', 'checkout-button']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Simulated 5,000 users (user-1 … user-5000) in 2 campaigns');
    expect(run.stdout).toContain('pricing-page · FEATURE_TEST · RUNNING · traffic 80%');
    expect(run.stdout).toMatch(/ {2}variation +weight +users +observed +expected/);
    expect(run.stdout).toMatch(/ {2}Cards +30% +[\d,]+ +\d+\.\d\d% +30\.00%/);
    expect(run.stdout).toMatch(/chi-square \d+\.\d\d, df 2, p = [\d.]+: ✔ consistent with the weights/);
    expect(run.stdout).not.toContain('new-search');
  });

  it('whitelisting everyone into one variation departs from the weights', () => {
    const run = vwo(['simulate', SETTINGS, '-n', '2000', '-c', 'checkout-button', '--targeting', '{"role":"qa"}']);
    expect(run.stdout).toContain('whitelisted: 2,000');
    expect(run.stdout).toMatch(/p = < 0\.0001: ✘ the split departs from the weights/);
  });

  it('bad --users and unknown campaigns, exit 2', () => {
    expect(vwo(['simulate', SETTINGS, '--users', 'many'])).toMatchObject({
      status: 2,
      stderr: 'vwo simulate: --users expects a positive whole number, got "many"\n',
    });
    expect(vwo(['simulate', SETTINGS, '--users', '0']).status).toBe(2);
    expect(vwo(['simulate', SETTINGS, '-c', 'hero-c']).stderr).toBe(
      `vwo: unknown campaign "hero-c" in ${SETTINGS}; did you mean "hero-a" or "hero-b"?\n`,
    );
  });
});
