/**
 * Whether this build keeps the code that only makes calls faster: caches of pure results and
 * paths that skip a closure or a lookup. The server build keeps them; the browser build takes
 * speed-paths.compact.ts instead, where this is `false` and tsup's `minifySyntax` drops every
 * branch it guards. Each guarded branch gives the same answer and the same request as the
 * general code after it, so both builds answer and send alike (the differential tests run on both).
 */
export const SPEED_PATHS: boolean = true;
