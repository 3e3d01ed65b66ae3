import { describe, expect, it } from 'vitest';
import {
  CAMPAIGN_ID,
  eventsOf,
  expectedFor,
  GOAL_ID,
  impressionsOf,
  ONE_EACH,
  sleep,
  useHarness,
  userWith,
  variationId,
  waitForShown,
  waitUntil,
} from './helpers.js';

/** Long enough for a stray second impression or conversion to reach the collector over loopback. */
const SETTLE_MS = 600;

const CONTROL_LIST = { variation: 'Control', layout: 'list' };
const GREEN_GRID = { variation: 'Green', layout: 'grid' };

describe('the React demo in headless Chromium, StrictMode on', () => {
  const harness = useHarness();

  it.each([
    ['Control / list', CONTROL_LIST],
    ['Green / grid', GREEN_GRID],
  ])('renders a %s visitor their variation, with one impression per campaign however often React renders', async (_, expected) => {
    const visitor = userWith(expected, `render-${expected.variation}`);
    const page = await harness.context.newPage();
    await page.goto(harness.url(visitor, `${visitor}-user`));
    await waitForShown(page, expected);
    // StrictMode ran the page's effects twice (mount, unmount, mount): the double effects happened.
    expect(await page.getByTestId('app').getAttribute('data-mounts')).toBe('2');

    await waitUntil('the first impressions', () => eventsOf(harness.collector, visitor, 'impression').length >= 3);
    for (let i = 0; i < 5; i++) await page.getByTestId('rerender').click();
    await page.getByText('Re-render (5)').waitFor();
    await sleep(SETTLE_MS);
    expect(impressionsOf(harness.collector, visitor)).toEqual(ONE_EACH);
    await waitForShown(page, expected);
  });

  it('converts the legacy goal and the FME metric once per click', async () => {
    const visitor = userWith(GREEN_GRID, 'goals');
    const page = await harness.context.newPage();
    await page.goto(harness.url(visitor, `${visitor}-user`));
    await waitForShown(page, GREEN_GRID);

    await page.getByTestId('checkout').click();
    await page.getByTestId('search').click();
    await waitUntil('both conversions', () => eventsOf(harness.collector, visitor, 'conversion').length >= 2);
    await sleep(SETTLE_MS);
    const conversions = eventsOf(harness.collector, visitor, 'conversion').map((e) => ({
      format: e.format,
      campaignId: e.campaignId,
      variationId: e.variationId,
      goalId: e.goalId,
      eventName: e.eventName,
    }));
    expect(conversions).toHaveLength(2);
    expect(conversions).toContainEqual(
      expect.objectContaining({
        format: 'legacy',
        campaignId: CAMPAIGN_ID,
        variationId: variationId(GREEN_GRID.variation),
        goalId: GOAL_ID,
      }),
    );
    expect(conversions).toContainEqual(expect.objectContaining({ format: 'fme', eventName: 'search' }));
  });

  it('decides again when the visitor logs in: the user sees their own variation and sends their own impressions', async () => {
    const visitor = userWith(CONTROL_LIST, 'anonymous');
    const user = userWith(GREEN_GRID, 'member');
    expect(expectedFor(user)).not.toEqual(expectedFor(visitor));
    const page = await harness.context.newPage();
    await page.goto(harness.url(visitor, user));
    await waitForShown(page, CONTROL_LIST);
    await waitUntil("the visitor's impressions", () => eventsOf(harness.collector, visitor, 'impression').length >= 3);

    await page.getByTestId('login').click();
    await waitForShown(page, GREEN_GRID);
    await waitUntil("the user's impressions", () => eventsOf(harness.collector, user, 'impression').length >= 3);
    await page.getByTestId('rerender').click();
    await sleep(SETTLE_MS);
    expect(impressionsOf(harness.collector, user)).toEqual(ONE_EACH);
    expect(impressionsOf(harness.collector, visitor)).toEqual(ONE_EACH);

    // A goal after the login is the user's.
    await page.getByTestId('checkout').click();
    await waitUntil("the user's conversion", () => eventsOf(harness.collector, user, 'conversion').length === 1);
    expect(eventsOf(harness.collector, visitor, 'conversion')).toEqual([]);
  });
});
