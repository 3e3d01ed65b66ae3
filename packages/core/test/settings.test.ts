import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSettings, SettingsValidationError } from '../src/index.js';
import table from './cases/settings-invalid.json' with { type: 'json' };
import { campaign, settingsFile } from './support/files.js';
import * as generate from './support/generate.js';
import { Random } from './support/random.js';

const require = createRequire(import.meta.url);
const referenceValidate: (file: unknown) => boolean = require('vwo-node-sdk/lib/schemas/SettingsFileSchema');

type Patch = Record<string, unknown>;

function apply(target: Record<string, unknown>, patch: Patch | undefined): void {
  for (const [key, value] of Object.entries(patch ?? {})) {
    if (value === '$delete') delete target[key];
    else target[key] = value;
  }
}

function fileFor(row: { patch?: Patch; campaign?: Patch }): Record<string, unknown> {
  const c = campaign();
  apply(c, row.campaign);
  const file = settingsFile([c]);
  apply(file, row.patch);
  return file;
}

describe('parseSettings rejects what 1.73.0 rejects', () => {
  it.each(table.cases)('$name → $path', (row) => {
    const result = parseSettings(fileFor(row));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(SettingsValidationError);
    expect(result.error.issues.map((i) => i.path)).toContain(row.path);
    if (row.message) expect(result.error.message).toContain(`${row.path}: ${row.message}`);
  });

  it.each([null, undefined, 'a string', 42, [], true])('rejects %j as a settings file without throwing', (input) => {
    const result = parseSettings(input);
    expect(result.ok).toBe(false);
  });

  it('lists every bad field of a file, not only the first', () => {
    const file = settingsFile([campaign({ percentTraffic: '50', key: 5 }), campaign({ id: null })], { version: null });
    const result = parseSettings(file);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.issues.map((i) => i.path).sort()).toEqual([
      'campaigns[0].key',
      'campaigns[0].percentTraffic',
      'campaigns[1].id',
      'version',
    ]);
  });

  it('rejects a cyclic object with a message instead of a TypeError', () => {
    const file: Record<string, unknown> = settingsFile([campaign()]);
    file.self = file;
    const result = parseSettings(file);
    expect(result.ok).toBe(false);
  });
});

describe('parseSettings accepts what 1.73.0 accepts, warning about oddities', () => {
  it.each(table.accepted)('$name', (row) => {
    const result = parseSettings(fileFor(row));
    expect(result.ok).toBe(true);
    if (!result.ok || !('warning' in row)) return;
    expect(result.warnings.map((w) => w.path)).toContain(row.warning);
  });

  it('warns about duplicate campaign keys and lets the first one win', () => {
    const result = parseSettings(settingsFile([campaign({ id: 1 }), campaign({ id: 2 })]));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.warnings.map((w) => w.path)).toContain('campaigns[1].key');
    expect(result.settings.campaignsByKey.get('K')?.id).toBe(1);
  });
});

describe('the parsed model', () => {
  it('leaves the caller object untouched and is frozen', () => {
    const file = settingsFile([campaign()]);
    delete file.campaigns;
    const before = JSON.stringify(file);
    const result = parseSettings(file);
    expect(JSON.stringify(file)).toBe(before);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.isFrozen(result.settings)).toBe(true);
    expect(Object.isFrozen(result.settings.raw)).toBe(true);
  });

  it('precomputes ranges, seeds and the goal index', () => {
    const result = parseSettings(settingsFile([campaign({ percentTraffic: 30, isBucketingSeedEnabled: true })]));
    if (!result.ok) throw result.error;
    const k = result.settings.campaignsByKey.get('K');
    expect(k?.variations.map((v) => [v.start, v.end])).toEqual([
      [1, 5000],
      [5001, 10000],
    ]);
    expect(k?.seedPrefix).toBe('230_');
    expect(k?.variationSeeding.multiplier).toBe(3.333333333333333);
    expect(result.settings.campaignsByGoal.get('CUSTOM')?.map((c) => c.key)).toEqual(['K']);
  });
});

describe('parseSettings on arbitrary input', () => {
  it('never throws on arbitrary JSON and never returns a model for a file 1.73.0 rejects', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = parseSettings(value);
        if (result.ok) expect(referenceValidate(JSON.parse(JSON.stringify(value)))).toBe(true);
      }),
      { numRuns: 5_000 },
    );
  });

  it('agrees with 1.73.0 on which of 5,000 mutated settings files are valid', () => {
    const mutations: unknown[] = [null, '50', 5, true, [], {}, 'RUNNING', Number.NaN, -1];
    const disagreements: string[] = [];
    for (let seed = 1; seed <= 5_000; seed++) {
      const rng = new Random(seed);
      const file = generate.settingsFile(rng);
      const campaigns = file.campaigns as Record<string, unknown>[];
      const target = rng.chance(0.3) ? file : (rng.pick(campaigns) as Record<string, unknown>);
      const keys = Object.keys(target);
      const key = rng.chance(0.1) ? 'collectionPrefix' : (rng.pick(keys) as string);
      if (rng.chance(0.2)) delete target[key];
      else target[key] = rng.pick(mutations);
      const copy = JSON.parse(JSON.stringify(file));
      if (copy && (!copy.campaigns || Object.prototype.toString.call(copy.campaigns) === '[object Object]')) copy.campaigns = [];
      const theirs = referenceValidate(copy);
      const ours = parseSettings(file).ok;
      if (ours !== theirs) disagreements.push(`seed ${seed}: ${key}=${JSON.stringify(target[key])} ours=${ours} reference=${theirs}`);
    }
    expect(disagreements.slice(0, 5)).toEqual([]);
  });
});
