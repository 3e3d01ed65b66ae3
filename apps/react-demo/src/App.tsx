/**
 * The demo page: a checkout button whose colour is a VWO FullStack A/B campaign, search results
 * whose layout is a VWO FME flag, both read through `@openfeature/react-sdk`'s hooks, with a goal
 * button each and a "Log in" that changes the evaluation context.
 */
import {
  OpenFeatureProvider,
  useBooleanFlagValue,
  useContextMutator,
  useOpenFeatureClientStatus,
  useStringFlagDetails,
  useTrack,
} from '@openfeature/react-sdk';
import { useEffect, useState } from 'react';
import {
  CAMPAIGN_KEY,
  CHECKOUT_GOAL,
  FEATURE_KEY,
  FME_DOMAIN,
  LAYOUT_FLAG,
  LEGACY_DOMAIN,
  type PageConfig,
  SEARCH_METRIC,
} from './config.js';

/** The legacy campaign: the variation name is a string flag; `track` converts its goal. */
function CheckoutButton() {
  const status = useOpenFeatureClientStatus();
  const { value: variation, reason } = useStringFlagDetails(CAMPAIGN_KEY, 'Control');
  const { track } = useTrack();
  const [clicks, setClicks] = useState(0);
  return (
    <section data-testid="legacy" data-status={status} data-variation={variation} data-reason={reason}>
      <h2>
        Campaign <code>{CAMPAIGN_KEY}</code>: {variation}
      </h2>
      <button
        type="button"
        className={`checkout checkout-${variation.toLowerCase()}`}
        data-testid="checkout"
        disabled={status !== 'READY'}
        onClick={() => {
          track(CHECKOUT_GOAL);
          setClicks((n) => n + 1);
        }}
      >
        Check out
      </button>
      <output data-testid="checkout-clicks">{clicks}</output>
    </section>
  );
}

/** The FME feature: a boolean flag, and its `layout` variable as a string flag; `track` sends its metric. */
function SearchResults() {
  const status = useOpenFeatureClientStatus();
  const enabled = useBooleanFlagValue(FEATURE_KEY, false);
  const { value: layout, variant } = useStringFlagDetails(LAYOUT_FLAG, 'list');
  const { track } = useTrack();
  const [searches, setSearches] = useState(0);
  return (
    <section data-testid="fme" data-status={status} data-enabled={String(enabled)} data-layout={layout} data-variant={variant ?? ''}>
      <h2>
        Feature <code>{FEATURE_KEY}</code>: {enabled ? `${layout} layout (${variant})` : 'off'}
      </h2>
      <ul className={`results results-${layout}`}>
        <li>First result</li>
        <li>Second result</li>
        <li>Third result</li>
      </ul>
      <button
        type="button"
        data-testid="search"
        disabled={status !== 'READY'}
        onClick={() => {
          track(SEARCH_METRIC);
          setSearches((n) => n + 1);
        }}
      >
        Search
      </button>
      <output data-testid="search-clicks">{searches}</output>
    </section>
  );
}

/** Logging in replaces the default context: both providers decide again for the user. */
function Login({ userId }: { readonly userId: string }) {
  const { setContext } = useContextMutator({ defaultContext: true });
  const [loggedIn, setLoggedIn] = useState(false);
  return (
    <button
      type="button"
      data-testid="login"
      disabled={loggedIn}
      onClick={() => {
        setLoggedIn(true);
        void setContext({ targetingKey: userId, plan: 'pro' });
      }}
    >
      {loggedIn ? `Logged in as ${userId}` : `Log in as ${userId}`}
    </button>
  );
}

/** How often the page's effects mounted: 2 under StrictMode in development (mount, unmount, mount again). */
let mounts = 0;

export function App({ config }: { readonly config: PageConfig }) {
  // Re-rendering the whole tree re-evaluates every flag: the providers still send each impression once.
  const [renders, setRenders] = useState(0);
  const [mounted, setMounted] = useState(0);
  useEffect(() => {
    mounts += 1;
    setMounted(mounts);
  }, []);
  return (
    <main data-testid="app" data-mounts={mounted}>
      <h1>VWO with OpenFeature React</h1>
      <p className="muted">
        Visitor <code>{config.visitorId}</code> ·{' '}
        <button type="button" data-testid="rerender" onClick={() => setRenders((n) => n + 1)}>
          Re-render ({renders})
        </button>
      </p>
      <OpenFeatureProvider domain={LEGACY_DOMAIN}>
        <CheckoutButton />
        <Login userId={config.userId} />
      </OpenFeatureProvider>
      <OpenFeatureProvider domain={FME_DOMAIN}>
        <SearchResults />
      </OpenFeatureProvider>
    </main>
  );
}
