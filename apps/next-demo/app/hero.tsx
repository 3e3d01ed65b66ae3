'use client';

import { launchFromBootstrap, readBootstrap, type VWOClient } from '@vwo/browser';
import { useEffect, useState } from 'react';
import { ACCOUNT_ID, CAMPAIGN_KEY, HEADLINES, SDK_KEY } from './config';

/** What the page's client did, for the test and for a curious reader (`window.vwoPage`). */
export interface PageState {
  source: 'bootstrap' | 'launch';
  clientAtOnce: boolean;
  clientVariation?: string | null;
  client?: VWOClient;
}

declare global {
  interface Window {
    vwoPage?: PageState;
  }
}

interface HeroProps {
  readonly userId: string;
  readonly serverVariation: string | null;
  readonly headline: string;
  readonly collectorUrl: string;
}

/**
 * The headline, rendered on the server with the server's variation, so the first paint already
 * shows it. After hydration the page's client starts from the bootstrap (no settings fetch) and
 * `activate` sends the visitor's one impression; the headline changes only if the page's
 * decision differs, which it does not when the bootstrap was used.
 */
export function Hero({ userId, serverVariation, headline, collectorUrl }: HeroProps) {
  const [clientVariation, setClientVariation] = useState<string | null | undefined>(undefined);

  useEffect(() => {
    const state = startOnce(userId, collectorUrl);
    let live = true;
    state.ready.then(async (client) => {
      state.page.client = client;
      const variation = await client.activate(CAMPAIGN_KEY, userId);
      state.page.clientVariation = variation;
      if (live) setClientVariation(variation);
    });
    return () => {
      live = false;
    };
  }, [userId, collectorUrl]);

  const shown = clientVariation === undefined ? serverVariation : clientVariation;
  return (
    <h1 id="hero" data-variation={shown ?? ''} data-hydrated={clientVariation === undefined ? 'no' : 'yes'}>
      {clientVariation === undefined ? headline : ((clientVariation && HEADLINES[clientVariation]) ?? HEADLINES.Control)}
    </h1>
  );
}

let started: { userId: string; page: PageState; ready: Promise<VWOClient> } | undefined;

/**
 * One client and one `activate` per visitor per page load, even if React runs the effect twice
 * (StrictMode in development) or remounts the component: a second `activate` would send a
 * second impression.
 */
function startOnce(userId: string, collectorUrl: string) {
  if (started?.userId === userId) return started;
  const { client, ready, source } = launchFromBootstrap({
    accountId: ACCOUNT_ID,
    sdkKey: SDK_KEY,
    collectorUrl,
    userId,
    bootstrap: readBootstrap(),
    logLevel: 'warn',
  });
  const page: PageState = { source, clientAtOnce: client !== null };
  window.vwoPage = page;
  started = { userId, page, ready };
  return started;
}
