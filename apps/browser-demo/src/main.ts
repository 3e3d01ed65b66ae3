/**
 * The demo page: launches `@vwo/browser` against the collector named in the page's address,
 * shows the variation of `signup-banner` this visitor got, and converts its goals on click.
 */
import { launch, type VWOClient } from '@vwo/browser';
import { createLocalStorage } from '@vwo/storage-localstorage';
import { BATCH_INTERVAL_S, CAMPAIGN_KEY, type PageConfig, PURCHASE_GOAL, PURCHASE_REVENUE, readPageConfig, SIGNUP_GOAL } from './config.js';
import { visitorId } from './visitor.js';
import './style.css';

const byTestId = <T extends HTMLElement = HTMLElement>(id: string): T => document.querySelector<T>(`[data-testid="${id}"]`)!;

const ui = {
  visitor: byTestId('visitor-id'),
  variation: byTestId('variation'),
  signup: byTestId<HTMLButtonElement>('signup'),
  purchase: byTestId<HTMLButtonElement>('purchase'),
  result: byTestId('track-result'),
  status: byTestId('status'),
  events: byTestId('events'),
};

function pageStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined; // a SecurityError where site data is blocked
  }
}

function startSdk(config: PageConfig): Promise<VWOClient> {
  return launch({
    accountId: config.accountId,
    sdkKey: config.sdkKey,
    collectorUrl: config.collectorUrl,
    userStorage: createLocalStorage(),
    logLevel: config.logLevel,
    // The page shows at-least-once delivery from the localStorage outbox counted exactly once,
    // which needs ids its collector (the local one, never VWO's) can drop resends by.
    eventIds: true,
    ...(config.batch ? { batchEvents: { requestTimeInterval: BATCH_INTERVAL_S, eventsPerRequest: 100 } } : {}),
  });
}

function showVariation(name: string | null): void {
  const slug = name === null ? 'none' : name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  ui.variation.className = `banner variation-${slug}`;
  ui.variation.dataset.variation = name ?? '';
  ui.variation.querySelector('.banner-label')!.textContent = name ?? 'Not part of this test';
}

function showStatus(state: 'ready' | 'error', text: string): void {
  ui.status.dataset.state = state;
  ui.status.textContent = text;
}

/** Converts `goal` for this visitor and says what the SDK answered. */
async function convert(vwo: VWOClient, visitor: string, goal: string, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  ui.result.dataset.result = '';
  ui.result.dataset.goal = goal;
  ui.result.textContent = `${goal}: sending…`;
  const options = goal === PURCHASE_GOAL ? { revenueValue: PURCHASE_REVENUE } : undefined;
  const result = await vwo.track(CAMPAIGN_KEY, visitor, goal, options);
  const converted = result?.[CAMPAIGN_KEY] === true;
  ui.result.dataset.result = result === null ? 'error' : converted ? 'converted' : 'not-converted';
  ui.result.textContent =
    result === null
      ? `${goal}: the SDK could not track this goal (see the console)`
      : converted
        ? `${goal}: converted in ${CAMPAIGN_KEY} (the event is on its way to the collector)`
        : `${goal}: not converted (already counted for this visitor, or not in the test)`;
  button.disabled = false;
}

async function main(): Promise<void> {
  const config = readPageConfig(location.search);
  const visitor = visitorId(pageStorage());
  ui.visitor.textContent = visitor;

  let vwo: VWOClient;
  try {
    vwo = await startSdk(config);
  } catch (error) {
    showVariation(null);
    showStatus('error', `The SDK did not start: ${(error as Error).message}`);
    return;
  }
  const variation = await vwo.activate(CAMPAIGN_KEY, visitor);
  showVariation(variation);
  ui.signup.onclick = () => void convert(vwo, visitor, SIGNUP_GOAL, ui.signup);
  ui.purchase.onclick = () => void convert(vwo, visitor, PURCHASE_GOAL, ui.purchase);
  ui.signup.disabled = variation === null;
  ui.purchase.disabled = variation === null;
  showStatus('ready', `Ready: events go to ${config.collectorUrl}${config.batch ? ' in batches' : ''}`);

  const showEvents = () => {
    const stats = vwo.eventStats();
    ui.events.textContent = `events sent ${stats.sent} · pending ${stats.pending}`;
  };
  showEvents();
  setInterval(showEvents, 500);
}

void main();
