export { compileSegment, compileSegmentRaw, hasSegmentConditions } from './compile.js';
export { evaluateSegment, evaluateSegmentRaw } from './evaluate.js';
export type { RawSegmentPredicate, SegmentOutcome, SegmentPredicate, SegmentVariables } from './types.js';
