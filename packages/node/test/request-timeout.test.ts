/**
 * `requestTimeout` bounds the settings fetches too, the user's own transport included: launch,
 * `getAndUpdateSettingsFile()` (the `pull` endpoint) and polling each give up on a `send` that
 * never settles, and `close()` settles within `closeTimeout`. The transport is a fake because a
 * real one cannot be made to never settle, or to resolve `undefined`, on demand (real HTTP to the
 * local collector runs in apis.test.ts and the reliability suite).
 */
import { describe, expect, it } from 'vitest';
import { type LaunchConfig, launch, type Transport, VWOConfigError } from '../src/index.js';
import { ACCOUNT_ID, SDK_KEY, settingsFile } from './fixtures/settings.js';

const REQUEST_TIMEOUT_MS = 300;
/** Slack for a busy machine: the bound is the point, not the exact length. */
const SLACK_MS = 700;

const hang = () => new Promise<never>(() => undefined);

function recording(send: Transport['send']) {
  const urls: string[] = [];
  const lines: string[] = [];
  const at = (level: string) => (line: string) => lines.push(`${level}: ${line}`);
  const transport: Transport = {
    send: (request) => {
      urls.push(request.url);
      return send(request);
    },
  };
  const logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { transport, urls, lines, logger };
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

const withFile = (extra: Partial<LaunchConfig>): LaunchConfig => ({
  settingsFile: settingsFile(),
  requestTimeout: REQUEST_TIMEOUT_MS,
  logLevel: 'warn',
  ...extra,
});

describe('requestTimeout bounds the settings fetches of a transport that never settles', () => {
  it('getAndUpdateSettingsFile() resolves null at requestTimeout, naming the time-out, and keeps the settings', async () => {
    const { transport, urls, lines, logger } = recording(hang);
    const vwo = await launch(withFile({ transport, logger }));
    const before = vwo.settings;
    const { value, ms } = await timed(() => vwo.getAndUpdateSettingsFile());
    expect(value).toBeNull();
    expect(ms).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 5);
    expect(ms).toBeLessThan(REQUEST_TIMEOUT_MS + SLACK_MS);
    expect(urls).toEqual([expect.stringContaining('/server-side/pull?')]);
    expect(lines).toEqual([expect.stringMatching(/^error: .*getAndUpdateSettingsFile.*no answer within 300 ms \(requestTimeout\)/)]);
    expect(vwo.settings).toBe(before);
    await vwo.close();
  });

  it.each<[string, Transport['send']]>([
    ['resolves undefined', () => Promise.resolve(undefined as never)],
    ['resolves 42', () => Promise.resolve(42 as never)],
    [
      'throws synchronously',
      () => {
        throw new Error('send exploded');
      },
    ],
  ])('getAndUpdateSettingsFile() with a transport that %s resolves null at once, logged', async (_name, send) => {
    const { transport, lines, logger } = recording(send);
    const vwo = await launch(withFile({ transport, logger }));
    const { value, ms } = await timed(() => vwo.getAndUpdateSettingsFile());
    expect(value).toBeNull();
    expect(ms).toBeLessThan(SLACK_MS);
    expect(lines).toEqual([expect.stringMatching(/^error: .*getAndUpdateSettingsFile failed: GET .*\/server-side\/pull/)]);
    await vwo.close();
  });

  it('launch rejects with a VWOConfigError after its three bounded attempts (0.5 s and 1 s apart)', async () => {
    const { transport, urls } = recording(hang);
    const { value: failure, ms } = await timed(() =>
      launch({ accountId: ACCOUNT_ID, sdkKey: SDK_KEY, transport, requestTimeout: REQUEST_TIMEOUT_MS, logLevel: 'silent' }).then(
        () => undefined,
        (error: unknown) => error,
      ),
    );
    expect(failure).toBeInstanceOf(VWOConfigError);
    expect((failure as Error).message).toContain(`no answer within ${REQUEST_TIMEOUT_MS} ms`);
    expect(urls).toHaveLength(3);
    expect(ms).toBeLessThan(3 * REQUEST_TIMEOUT_MS + 1500 + SLACK_MS);
  });

  it('a poll that never settles ends at requestTimeout, logged, and the next poll still runs', async () => {
    const { transport, urls, lines, logger } = recording(hang);
    const vwo = await launch(withFile({ transport, logger, pollingInterval: 1000, sdkKey: SDK_KEY }));
    // Polls at 1 s and 2 s: without the bound, the first would hold the poller for ever and the second never start.
    await new Promise((resolve) => setTimeout(resolve, 2000 + REQUEST_TIMEOUT_MS + 400));
    await vwo.close();
    expect(urls.filter((url) => url.includes('/server-side/settings?')).length).toBeGreaterThanOrEqual(2);
    expect(lines.filter((line) => /^warn: .*polling: .*no answer within 300 ms/.test(line)).length).toBeGreaterThanOrEqual(2);
  });

  it('close() with events in flight on a transport that never settles resolves within closeTimeout', async () => {
    const { transport, logger } = recording(hang);
    const vwo = await launch(withFile({ transport, logger, closeTimeout: 200, requestTimeout: 10_000 }));
    await expect(await vwo.activate('K', 'Ashley')).not.toBeNull();
    const { ms } = await timed(() => vwo.close());
    expect(ms).toBeLessThan(200 + SLACK_MS);
    expect(vwo.eventStats()).toMatchObject({ enqueued: 1, dropped: 1, pending: 0 });
  });
});
