/**
 * The FME page: `init`s `@vwo/browser` against the collector named in the page's address (as
 * `proxyUrl`: every request VWO would get goes there), shows the `checkout-button` flag's label
 * for this visitor, and tracks `purchase` on click.
 */
import { type FmeClient, init } from '@vwo/browser';
import { BATCH_INTERVAL_S, FME_FLAG_KEY, FME_PURCHASE_EVENT, PURCHASE_REVENUE, readFmePageConfig } from './config.js';
import { visitorId } from './visitor.js';
import './style.css';

const byTestId = <T extends HTMLElement = HTMLElement>(id: string): T => document.querySelector<T>(`[data-testid="${id}"]`)!;

function pageStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined; // a SecurityError where site data is blocked
  }
}

async function main(): Promise<void> {
  const config = readFmePageConfig(location.search);
  const visitor = visitorId(pageStorage());
  byTestId('visitor-id').textContent = visitor;
  const status = byTestId('status');
  let vwo: FmeClient;
  try {
    vwo = await init({
      accountId: config.accountId,
      sdkKey: config.sdkKey,
      proxyUrl: config.collectorUrl,
      logger: { level: config.logLevel },
      ...(config.batch ? { batchEventData: { requestTimeInterval: BATCH_INTERVAL_S, eventsPerRequest: 100 } } : {}),
    });
  } catch (error) {
    status.dataset.state = 'error';
    status.textContent = `The SDK did not start: ${(error as Error).message}`;
    return;
  }
  const flag = await vwo.getFlag(FME_FLAG_KEY, { id: visitor });
  const label = flag.isEnabled() ? String(flag.getVariable('label', 'Buy')) : '';
  const banner = byTestId('variation');
  banner.dataset.label = label;
  banner.querySelector('.banner-label')!.textContent = label === '' ? 'The flag is off for this visitor' : `Button label: ${label}`;

  const button = byTestId<HTMLButtonElement>('purchase');
  const result = byTestId('track-result');
  button.onclick = async () => {
    button.disabled = true;
    result.dataset.result = '';
    const answer = await vwo.trackEvent(FME_PURCHASE_EVENT, { id: visitor }, { revenue: PURCHASE_REVENUE });
    result.dataset.result = answer[FME_PURCHASE_EVENT] ? 'tracked' : 'not-tracked';
    result.textContent = answer[FME_PURCHASE_EVENT] ? 'purchase: tracked (on its way to the collector)' : 'purchase: not tracked';
    button.disabled = false;
  };
  button.disabled = false;
  status.dataset.state = 'ready';
  // `batch=1` passes batchEventData, which VWO's browser SDK (and so `init`) ignores: no "in batches" here.
  status.textContent = `Ready: requests go to ${config.collectorUrl}`;
}

void main();
