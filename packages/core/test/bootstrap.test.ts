/**
 * The bootstrap's format: what `createBootstrap` puts in (and never), how it is embedded in
 * HTML, and every refusal of `checkBootstrap`.
 */
import { describe, expect, it } from 'vitest';
import {
  BOOTSTRAP_FORMAT,
  BOOTSTRAP_VERSION,
  type Bootstrap,
  bootstrapScript,
  checkBootstrap,
  createBootstrap,
  DEFAULT_BOOTSTRAP_MAX_AGE_MS,
  serializeBootstrap,
} from '../src/index.js';
import { campaign, settingsFile } from './support/files.js';
import { parsed } from './support/parse.js';

const NOW = 1_800_000_000_000;
const file = settingsFile([campaign({ id: 1, key: 'hero' }), campaign({ id: 2, key: 'other' })], { version: 7 });
const settings = parsed(file);

function made(overrides: Partial<Record<keyof Bootstrap, unknown>> = {}): Record<string, unknown> {
  return { ...(createBootstrap(settings, { userId: 'u1', now: () => NOW }) as Bootstrap), ...overrides };
}

describe('createBootstrap', () => {
  it('holds the format, version, account, visitor, time, revision and the whole settings file', () => {
    expect(createBootstrap(settings, { userId: 'u1', now: () => NOW })).toEqual({
      format: BOOTSTRAP_FORMAT,
      version: BOOTSTRAP_VERSION,
      sdk: 'launch',
      accountId: settings.accountId,
      userId: 'u1',
      createdAt: NOW,
      revision: 7,
      campaignKeys: null,
      settings: settings.raw,
    });
  });

  it('trims to the campaigns asked for', () => {
    const trimmed = createBootstrap(settings, { userId: 'u1', campaignKeys: ['hero'] }) as Bootstrap;
    expect((trimmed.settings.campaigns as Array<{ key: string }>).map((c) => c.key)).toEqual(['hero']);
    expect(trimmed.campaignKeys).toEqual(['hero']);
  });

  it.each([
    ['no userId', {}],
    ['an empty userId', { userId: '' }],
    ['a number as userId', { userId: 5 }],
    ['campaignKeys not an array of strings', { userId: 'u', campaignKeys: ['a', 1] }],
  ])('answers null for %s', (_, options) => {
    expect(createBootstrap(settings, options as never)).toBeNull();
  });
});

describe('serializeBootstrap / bootstrapScript', () => {
  const hostile = settingsFile([campaign({ id: 1, key: '</script><script>alert(1)</script>\u2028\u2029&<!--' })]);
  const bootstrap = createBootstrap(parsed(hostile), { userId: '</script>', now: () => NOW }) as Bootstrap;

  it('escapes what could end the script element or a line, and parses back to the same value', () => {
    const json = serializeBootstrap(bootstrap);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(bootstrap)));
  });

  it('writes one application/json script element with a safe id', () => {
    const tag = bootstrapScript(bootstrap, 'boot"><img');
    expect(tag.startsWith('<script type="application/json" id="bootimg">')).toBe(true);
    expect(tag.match(/<\/script>/g)).toHaveLength(1);
    expect(bootstrapScript(bootstrap)).toContain('id="vwo-bootstrap"');
  });
});

describe('checkBootstrap', () => {
  const check = { userId: 'u1', now: () => NOW + 1000 };

  it('accepts a fresh bootstrap for the visitor, with its settings parsed', () => {
    const verdict = checkBootstrap(JSON.parse(serializeBootstrap(made() as unknown as Bootstrap)), check);
    expect(verdict.ok).toBe(true);
    if (verdict.ok) expect(verdict.settings.campaignsByKey.has('hero')).toBe(true);
  });

  it.each([
    ['a string', 'x', 'malformed'],
    ['null', null, 'malformed'],
    ['an array', [], 'malformed'],
    ['another format', made({ format: 'other' }), 'malformed'],
    ['another version', made({ version: 2 }), 'malformed'],
    ['an FME bootstrap', made({ sdk: 'init' }), 'malformed'],
    ['no userId', made({ userId: undefined }), 'malformed'],
    ['no createdAt', made({ createdAt: 'yesterday' }), 'malformed'],
    ['no settings', made({ settings: null }), 'malformed'],
    ['invalid settings', made({ settings: { accountId: 1, campaigns: 'none' } }), 'malformed'],
    ['an accountId unlike its settings', made({ accountId: 42 }), 'malformed'],
    ['another visitor', made({ userId: 'u2' }), 'other-visitor'],
    ['an old one', made({ createdAt: NOW - DEFAULT_BOOTSTRAP_MAX_AGE_MS - 1 }), 'stale'],
  ])('refuses %s', (_, input, kind) => {
    const verdict = checkBootstrap(input, check);
    expect(verdict).toMatchObject({ ok: false, kind });
    if (!verdict.ok) expect(verdict.reason.length).toBeGreaterThan(5);
  });

  it('refuses settings older than minRevision, another account, and honours maxAgeMs', () => {
    expect(checkBootstrap(made(), { ...check, minRevision: 8 })).toMatchObject({ ok: false, kind: 'stale' });
    expect(checkBootstrap(made(), { ...check, minRevision: 7 }).ok).toBe(true);
    expect(checkBootstrap(made(), { ...check, accountId: 999 })).toMatchObject({ ok: false, kind: 'other-visitor' });
    expect(checkBootstrap(made(), { ...check, maxAgeMs: 500 })).toMatchObject({ ok: false, kind: 'stale' });
  });

  it('never throws, whatever the input', () => {
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('boom');
        },
      },
    );
    expect(() => checkBootstrap(hostile, check)).not.toThrow();
  });
});
