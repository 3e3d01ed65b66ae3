/**
 * The browser build's {@link SPEED_PATHS}: `false`, so that the branches it guards are dropped
 * (tsup.config.ts builds with `minifySyntax`): a page decides for one visitor, a server for many.
 */
export const SPEED_PATHS: boolean = false;
