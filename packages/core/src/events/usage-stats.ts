/** The keys of the usage statistics, in the order 1.73.0 sends them (events.md §10). */
export type UsageStatKey = 'eb' | 'ig' | 'ss' | 'cl' | 'll' | 'tr' | 'gt' | 'pi' | '_l';

/**
 * Usage statistics as sent on impressions and batches: an object whose insertion order is the
 * wire order. Build it with {@link usageStats}; an empty object sends nothing.
 */
export type UsageStats = Readonly<Partial<Record<UsageStatKey, number>>>;

/** Which launch options were given (presence, not value, except the two numeric ones). */
export interface UsageStatsInput {
  /** `batchEvents` given → `eb`. */
  readonly batchEvents?: boolean;
  /** `integrations` given → `ig`. */
  readonly integrations?: boolean;
  /** A user storage given → `ss`. */
  readonly userStorage?: boolean;
  /** A custom logger given → `cl`. */
  readonly customLogger?: boolean;
  /** 1.73.0's numeric log level (`logging.level`) → `ll`. */
  readonly logLevel?: number;
  /** The launch option's value (not its presence) → `tr`. */
  readonly shouldTrackReturningUser?: boolean;
  /** `goalTypeToTrack` given → `gt`. */
  readonly goalTypeToTrack?: boolean;
  /** `pollingInterval` given → `pi`. */
  readonly pollingInterval?: boolean;
  /** Development mode collects nothing. */
  readonly isDevelopmentMode?: boolean;
}

const NONE: UsageStats = Object.freeze({});

/**
 * The usage-statistics map 1.73.0 collects once at launch: each key is 1 (or the numeric log
 * level), zero and `NaN` values are dropped, and `_l=1` closes a non-empty map.
 *
 * @example
 * usageStats({ logLevel: 4, goalTypeToTrack: true }); // { ll: 4, gt: 1, _l: 1 } → `ll=4&gt=1&_l=1&`
 */
export function usageStats(input: UsageStatsInput): UsageStats {
  if (input.isDevelopmentMode) return NONE;
  const stats: Partial<Record<UsageStatKey, number>> = {};
  const candidates: ReadonlyArray<readonly [UsageStatKey, number]> = [
    ['eb', Number(Boolean(input.batchEvents))],
    ['ig', Number(Boolean(input.integrations))],
    ['ss', Number(Boolean(input.userStorage))],
    ['cl', Number(Boolean(input.customLogger))],
    ['ll', Number(input.logLevel)],
    ['tr', Number(input.shouldTrackReturningUser)],
    ['gt', Number(Boolean(input.goalTypeToTrack))],
    ['pi', Number(Boolean(input.pollingInterval))],
  ];
  let any = false;
  for (const [key, value] of candidates) {
    if (value) {
      stats[key] = value;
      any = true;
    }
  }
  if (!any) return NONE;
  stats._l = 1;
  return Object.freeze(stats);
}
