/**
 * The bootstrap: what a server puts into a page so that the browser SDK starts from it
 * synchronously, deciding the first render without fetching the settings (issue 20).
 */

/** The format tag every bootstrap carries, so that a page never mistakes other JSON for one. */
export const BOOTSTRAP_FORMAT = 'vwo-bootstrap';

/** The version of the bootstrap's shape; a consumer refuses any other. */
export const BOOTSTRAP_VERSION = 1;

/** The `id` of the `<script type="application/json">` element the helpers write and read by default. */
export const BOOTSTRAP_ELEMENT_ID = 'vwo-bootstrap';

/**
 * The envelope every bootstrap shares, whichever client it is for: the format tag and version a
 * page checks first, and whom, when and from which settings revision the server made it for.
 * {@link Bootstrap} (`launch`) and {@link FmeBootstrap} (`init`) add which SDK, the keys it was
 * trimmed to, and the settings file.
 */
export interface BootstrapEnvelope {
  /** Always `"vwo-bootstrap"` (`BOOTSTRAP_FORMAT` of `@vwo/core`). */
  readonly format: typeof BOOTSTRAP_FORMAT;
  /** Always `1` (`BOOTSTRAP_VERSION` of `@vwo/core`). */
  readonly version: typeof BOOTSTRAP_VERSION;
  /** The account of the settings file. */
  readonly accountId: number | string;
  /**
   * The visitor the server decided for (`launch`'s `userId`, `init`'s `context.id`): a page for
   * another visitor refuses the bootstrap.
   */
  readonly userId: string;
  /** When the server made it (milliseconds since the epoch): a consumer refuses it past its `maxAgeMs`. */
  readonly createdAt: number;
  /** The settings file's `version`, so that a page can refuse settings older than it knows of. */
  readonly revision: number | string;
}

/**
 * What a server renders for one visitor. It holds the settings file the page's decisions read
 * (whole, or trimmed to some campaigns) and who it was made for; never a server secret — the
 * settings file's `sdkKey` is the key a browser `launch` fetches the settings with anyway.
 */
export interface Bootstrap extends BootstrapEnvelope {
  /** `'launch'`: a vwo-node-sdk settings file (an FME client's bootstrap is an {@link FmeBootstrap}). */
  readonly sdk: 'launch';
  /** The campaign keys it was trimmed to, or `null` when it holds the whole settings file. */
  readonly campaignKeys: readonly string[] | null;
  /** The settings file, as `launch({ settingsFile })` takes it. */
  readonly settings: Readonly<Record<string, unknown>>;
}

/**
 * What a server renders for one visitor of an FME client (`init`): the same envelope as a
 * {@link Bootstrap}, holding the FME settings file (whole, or trimmed to some features).
 */
export interface FmeBootstrap extends BootstrapEnvelope {
  /** `'init'`: an FME settings file, for an `init` client (a `launch` page refuses it). */
  readonly sdk: 'init';
  /** The feature keys it was trimmed to, or `null` when it holds the whole settings file. */
  readonly featureKeys: readonly string[] | null;
  /** The FME settings file, as `init({ settings })` takes it. */
  readonly settings: Readonly<Record<string, unknown>>;
}
