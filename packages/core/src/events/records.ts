import type { Campaign, Goal, Variation } from '../settings/model.js';
import { hasOwn } from '../util/types.js';
import type {
  ConversionRecord,
  EventContext,
  GoalRecord,
  ImpressionRecord,
  PushRecord,
  VisitorOptions,
  VisitorPropsRecord,
} from './types.js';

/** Options of a conversion in one campaign. */
export interface GoalEventOptions extends VisitorOptions {
  /** `track`'s `revenueValue`; sent only for `REVENUE_TRACKING` goals and when truthy. */
  readonly revenueValue?: unknown;
  /** `track`'s `eventProperties`; in event-architecture settings a batch takes `r` from `eventProperties[goal.revenueProp]` when there is no revenue value. */
  readonly eventProperties?: Readonly<Record<string, unknown>>;
}

/** Options of an event-architecture conversion. */
export interface ConversionEventOptions extends VisitorOptions {
  /** `track`'s `revenueValue`, put in `vwoMeta` under each of `revenueProps`. */
  readonly revenueValue?: unknown;
  /**
   * The distinct `revenueProp`s of the revenue goals that passed `track`'s checks, in the
   * order met (decision-flow.md §7): each gets `vwoMeta[revenueProp] = revenueValue`.
   */
  readonly revenueProps?: readonly unknown[];
  /** Copied into `event.props` after `isCustomEvent` (and may overwrite earlier keys). */
  readonly eventProperties?: Readonly<Record<string, unknown>>;
}

/**
 * The impression of `userId` seeing `variation` of `campaign`, stamped with `ctx.now()`.
 *
 * @example
 * const record = impressionEvent(ctx, campaign, variation, 'Ashley', { userAgent });
 * transport.send(toGetRequest(ctx, record)); // or queue it and send toBatchRequest(ctx, queue)
 */
export function impressionEvent(
  ctx: EventContext,
  campaign: Pick<Campaign, 'id'>,
  variation: Pick<Variation, 'id'>,
  userId: string,
  options: VisitorOptions = {},
): ImpressionRecord {
  return {
    type: 'impression',
    userId,
    time: ctx.now(),
    eventId: ctx.eventId?.(),
    campaignId: campaign.id,
    variationId: variation.id,
    userAgent: options.userAgent ?? '',
    userIpAddress: options.userIpAddress ?? '',
  };
}

/**
 * A conversion of `goal` in `campaign` by `userId` (bucketed into `variation`), stamped with
 * `time` (default `ctx.now()`; one `track` call stamps all its conversions alike).
 */
export function goalEvent(
  ctx: EventContext,
  campaign: Pick<Campaign, 'id'>,
  variation: Pick<Variation, 'id'>,
  goal: Pick<Goal, 'id' | 'type' | 'revenueProp'>,
  userId: string,
  options: GoalEventOptions = {},
  time: number = ctx.now(),
): GoalRecord {
  let hasRevenue = false;
  let revenue: unknown;
  if (goal.type === 'REVENUE_TRACKING' && options.revenueValue) {
    hasRevenue = true;
    revenue = options.revenueValue;
  } else if (
    ctx.settings.isEventArchEnabled &&
    options.eventProperties !== undefined &&
    // 1.73.0 tests `hasOwnProperty(goal.revenueProp)`, which converts the key with String().
    hasOwn(options.eventProperties, String(goal.revenueProp))
  ) {
    hasRevenue = true;
    revenue = options.eventProperties[String(goal.revenueProp)];
  }
  return {
    type: 'goal',
    userId,
    time,
    eventId: ctx.eventId?.(),
    campaignId: campaign.id,
    variationId: variation.id,
    goalId: goal.id,
    hasRevenue,
    revenue,
    userAgent: options.userAgent ?? '',
    userIpAddress: options.userIpAddress ?? '',
  };
}

/**
 * One custom dimension of `push`. Non-string values are JSON-stringified as 1.73.0 does
 * (`5` → `"5"`, `{x:1}` → `'{"x":1}'`).
 *
 * @throws TypeError when `JSON.stringify` does (a BigInt or a cycle), as in 1.73.0.
 */
export function pushEvent(ctx: EventContext, key: string, value: unknown, userId: string): PushRecord {
  return {
    type: 'push',
    userId,
    time: ctx.now(),
    eventId: ctx.eventId?.(),
    key,
    value: dimensionText(value),
  };
}

/**
 * Every campaign converted by one `track` call in event-architecture mode, for one POST
 * `/events/t` named after the goal.
 */
export function conversionEvent(
  ctx: EventContext,
  goalIdentifier: string,
  converted: ReadonlyArray<{ readonly campaign: Pick<Campaign, 'id'>; readonly goal: Pick<Goal, 'id'> }>,
  userId: string,
  options: ConversionEventOptions = {},
): ConversionRecord {
  return {
    type: 'conversion',
    userId,
    time: ctx.now(),
    eventId: ctx.eventId?.(),
    goalIdentifier,
    campaigns: converted.map(({ campaign, goal }) => ({ campaignId: campaign.id, goalId: goal.id })),
    revenueValue: options.revenueValue,
    revenueProps: options.revenueProps ?? [],
    eventProperties: options.eventProperties,
    userAgent: options.userAgent ?? '',
    userIpAddress: options.userIpAddress ?? '',
  };
}

/** The custom dimensions of one `push` call in event-architecture mode. */
export function visitorPropsEvent(ctx: EventContext, dimensions: Readonly<Record<string, unknown>>, userId: string): VisitorPropsRecord {
  return {
    type: 'visitorProps',
    userId,
    time: ctx.now(),
    eventId: ctx.eventId?.(),
    props: Object.keys(dimensions).map((key) => [key, dimensionText(dimensions[key])] as const),
  };
}

function dimensionText(value: unknown): string | undefined {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
