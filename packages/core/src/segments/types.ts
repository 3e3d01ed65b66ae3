/** Variables a segment is evaluated against (`customVariables`, or `variationTargetingVariables` + `_vwoUserId`). */
export type SegmentVariables = Readonly<Record<string, unknown>>;

/**
 * A segment DSL compiled once into a function. Returns the truthiness 1.73.0 acts on:
 * `undefined` results of the evaluator (segmentation.md §3) are `false` here.
 */
export type SegmentPredicate = (variables: SegmentVariables) => boolean;
