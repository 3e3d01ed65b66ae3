/** Variables a segment is evaluated against (`customVariables`, or `variationTargetingVariables` + `_vwoUserId`). */
export type SegmentVariables = Readonly<Record<string, unknown>>;

/**
 * A segment DSL compiled once into a function. Returns the truthiness 1.73.0 acts on:
 * `undefined` results of the evaluator (segmentation.md §3) are `false` here.
 */
export type SegmentPredicate = (variables: SegmentVariables) => boolean;

/**
 * What 1.73.0's evaluator itself returns: `undefined` comes from an unknown operator, or from
 * `lower`/`wildcard`/`gt`… meeting a `null` variable (segmentation.md §3). It is falsy, but
 * under `not` it turns into `true`, which is why the compiler keeps it apart from `false`.
 */
export type SegmentOutcome = boolean | undefined;

/** Like {@link SegmentPredicate}, keeping the evaluator's `undefined`. */
export type RawSegmentPredicate = (variables: SegmentVariables) => SegmentOutcome;
