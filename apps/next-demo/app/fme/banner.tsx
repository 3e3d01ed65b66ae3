'use client';

import { type FmeClient, initFromBootstrap, readBootstrap } from '@vwo/browser';
import { useEffect, useState } from 'react';
import { ACCOUNT_ID, DEFAULT_BANNER, FEATURE_KEY, FME_SDK_KEY } from '../config';

/** What the page's FME client did, for the test and for a curious reader (`window.vwoFmePage`). */
export interface FmePageState {
  source: 'bootstrap' | 'init';
  clientAtOnce: boolean;
  clientHeadline?: string;
  client?: FmeClient;
}

declare global {
  interface Window {
    vwoFmePage?: FmePageState;
  }
}

interface BannerProps {
  readonly userId: string;
  readonly serverHeadline: string;
  readonly collectorUrl: string;
}

/**
 * The headline the server rendered from the flag, so the first paint already shows it. After
 * hydration the page's client starts from the bootstrap (no settings fetch) and `getFlag` sends
 * the visitor's one impression; the headline changes only if the page's flag differs, which it
 * does not when the bootstrap was used.
 */
export function Banner({ userId, serverHeadline, collectorUrl }: BannerProps) {
  const [clientHeadline, setClientHeadline] = useState<string | undefined>(undefined);

  useEffect(() => {
    const state = startOnce(userId, collectorUrl);
    let live = true;
    state.flag.then((headline) => {
      if (live) setClientHeadline(headline);
    });
    return () => {
      live = false;
    };
  }, [userId, collectorUrl]);

  return (
    <h1 id="banner" data-hydrated={clientHeadline === undefined ? 'no' : 'yes'}>
      {clientHeadline ?? serverHeadline}
    </h1>
  );
}

let started: { userId: string; flag: Promise<string> } | undefined;

/**
 * One client and one `getFlag` per visitor per page load, even if React runs the effect twice
 * (StrictMode in development) or remounts the component.
 */
function startOnce(userId: string, collectorUrl: string) {
  if (started?.userId === userId) return started;
  const { client, ready, source } = initFromBootstrap({
    accountId: ACCOUNT_ID,
    sdkKey: FME_SDK_KEY,
    proxyUrl: collectorUrl,
    userId,
    bootstrap: readBootstrap(),
    logger: { level: 'warn' },
  });
  const page: FmePageState = { source, clientAtOnce: client !== null };
  window.vwoFmePage = page;
  const flag = ready.then(async (vwo) => {
    page.client = vwo;
    const answer = await vwo.getFlag(FEATURE_KEY, { id: userId });
    page.clientHeadline = String(answer.getVariable('headline', DEFAULT_BANNER));
    return page.clientHeadline;
  });
  started = { userId, flag };
  return started;
}
