/**
 * The FME settings cache and decision storage (`clientStorage`) and `proxyUrl`, against an
 * in-memory Web Storage (a Map behind `getItem`/`setItem`), for the faults a real localStorage
 * does not produce on demand: a full quota, a value another script corrupted. The real
 * localStorage, and 1.35.0's own browser build reading and writing the same cache, run in
 * Chromium (fme-chromium.test.ts).
 */
import type { Logger, TransportResponse } from '@vwo/core';
import { describe, expect, it } from 'vitest';
import { proxiedTransport, proxyOrigin } from '../src/fme-proxy.js';
import { fmeBrowserStorage } from '../src/fme-storage.js';

function recordingLog(): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  const line = (message: string) => void lines.push(message);
  return { lines, debug: line, info: line, warn: line, error: line } as Logger & { readonly lines: string[] };
}

function memoryStorage(options: { full?: boolean } = {}) {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => {
      if (options.full) throw new Error('QuotaExceededError');
      map.set(key, value);
    },
  };
}

const settings = { accountId: 1, sdkKey: 'key-1', version: 1, features: [], campaigns: [] };

describe('fmeBrowserStorage', () => {
  it('keeps decisions and the settings in one JSON entry, the sdkKey base64 encoded as 1.35.0 writes it', () => {
    const provider = memoryStorage();
    const storage = fmeBrowserStorage({ provider }, recordingLog());
    storage?.set({ featureKey: 'hero', userId: 'u1', experimentVariationId: 2 } as never);
    storage?.setSettings?.({ settings, timestamp: 42 });
    const stored = JSON.parse(provider.map.get('vwo_fme_data') ?? '{}');
    expect(stored.hero_u1).toEqual({ featureKey: 'hero', userId: 'u1', experimentVariationId: 2 });
    expect(stored.vwo_fme_settings).toEqual({ settings: { ...settings, sdkKey: btoa('key-1') }, timestamp: 42 });
    expect(storage?.get('hero', 'u1')).toEqual(stored.hero_u1);
    expect(storage?.getSettings?.(1, 'key-1')).toEqual({ settings, timestamp: 42 });
  });

  it('takes a ttl of at least a minute, else two hours; isDisabled keeps nothing', () => {
    const log = recordingLog();
    expect(fmeBrowserStorage({ provider: memoryStorage(), ttl: 60_000 }, log)?.ttl).toBe(60_000);
    expect(fmeBrowserStorage({ provider: memoryStorage(), ttl: 59_999 }, log)?.ttl).toBe(7_200_000);
    const provider = memoryStorage();
    const disabled = fmeBrowserStorage({ provider, isDisabled: true }, log);
    disabled?.set({ featureKey: 'hero', userId: 'u1' } as never);
    disabled?.setSettings?.({ settings, timestamp: 1 });
    expect(provider.map.size).toBe(0);
    expect(disabled?.getSettings?.(1, 'key-1')).toBeUndefined();
  });

  it('answers nothing for a corrupted entry or a key that is not base64, and logs a full quota without throwing', () => {
    const log = recordingLog();
    const provider = memoryStorage();
    provider.map.set('vwo_fme_data', '{"vwo_fme_settings": {"settings": {"sdkKey": "not base64!"}, "timestamp": 1}}');
    const storage = fmeBrowserStorage({ provider }, log);
    expect(storage?.getSettings?.(1, 'x')).toBeUndefined();
    provider.map.set('vwo_fme_data', '{truncated');
    expect(storage?.get('hero', 'u1')).toBeUndefined();
    expect(log.lines.some((line) => line.includes('could not read vwo_fme_data'))).toBe(true);

    const full = fmeBrowserStorage({ provider: memoryStorage({ full: true }) }, log);
    expect(() => full?.setSettings?.({ settings, timestamp: 1 })).not.toThrow();
    expect(() => full?.set({ featureKey: 'hero', userId: 'u1' } as never)).not.toThrow();
    expect(log.lines.filter((line) => line.includes('could not write vwo_fme_data'))).toHaveLength(2);
  });
});

describe('proxyUrl', () => {
  it('reads scheme, host and port as 1.35.0 does (https when none is given) and refuses what is no URL', () => {
    const log = recordingLog();
    expect(proxyOrigin('http://127.0.0.1:8080/ignored/path', log)).toBe('http://127.0.0.1:8080');
    expect(proxyOrigin('proxy.example.com', log)).toBe('https://proxy.example.com');
    expect(proxyOrigin('http://', log)).toBeUndefined();
    expect(log.lines).toHaveLength(1);
  });

  it('sends what is addressed to VWO to the proxy, path and query unchanged, and leaves other hosts alone', async () => {
    const urls: string[] = [];
    const ok: TransportResponse = { status: 200 };
    const recording = {
      async send(request: { url: string }) {
        urls.push(request.url);
        return ok;
      },
    };
    const transport = proxiedTransport(recording, 'http://127.0.0.1:9');
    await transport.send({ method: 'POST', url: 'https://dev.visualwebsiteoptimizer.com/events/t?en=x&a=1', body: '{}' });
    await transport.send({ method: 'GET', url: 'https://gateway.example.com/server-side/v2-settings?a=1' });
    expect(urls).toEqual(['http://127.0.0.1:9/events/t?en=x&a=1', 'https://gateway.example.com/server-side/v2-settings?a=1']);
  });
});
