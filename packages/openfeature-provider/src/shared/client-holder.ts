/**
 * The provider's VWO client: given, or launched at `initialize` (and then closed at `onClose`),
 * plus the watch that notices new settings.
 *
 * Neither client (FullStack or FME) has a settings-change callback, so the watch compares
 * `client.settings` by reference on a short interval: every way new settings arrive (polling,
 * `getAndUpdateSettingsFile`, `updateSettings`) swaps that reference, and comparing one
 * reference costs nothing.
 */
import { type AnyVWOClient, isClient, isFmeClient, type ProviderSetup } from './options.js';

/** The settings of either client (an FME client's are `undefined` while invalid). */
export type AnySettings = AnyVWOClient['settings'];

interface TimerHost {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const host = globalThis as unknown as TimerHost;

export class ClientHolder {
  private current: AnyVWOClient | undefined;
  private launchFailure: string | undefined;
  private starting: Promise<AnyVWOClient> | undefined;
  private timer: unknown;
  private seen: { readonly settings: AnySettings } | undefined;
  private closed = false;

  constructor(
    private readonly setup: ProviderSetup,
    private readonly onSettingsChange: (previous: AnySettings, next: AnySettings) => void,
  ) {
    if ('client' in setup.source) this.current = setup.source.client;
  }

  /** The client, once there is one. */
  get client(): AnyVWOClient | undefined {
    return this.current;
  }

  /** Why there is no client, for the error message of an evaluation. */
  get unavailable(): string {
    if (this.closed) return 'the provider is closed';
    return this.launchFailure ? `the VWO client could not be launched: ${this.launchFailure}` : 'the provider is not initialized yet';
  }

  /** Launches the client if the provider owns it, and starts the settings watch. Rejects when the launch fails. */
  start(): Promise<AnyVWOClient> {
    if (this.closed) {
      // Set again after onClose (OpenFeature allows it): start over.
      this.closed = false;
      this.starting = undefined;
      this.launchFailure = undefined;
    }
    this.starting ??= this.launch().then((client) => {
      if (this.closed) return client;
      this.current = client;
      this.seen = { settings: client.settings };
      this.watch();
      return client;
    });
    return this.starting;
  }

  private async launch(): Promise<AnyVWOClient> {
    const { source, log } = this.setup;
    if ('client' in source) return source.client;
    try {
      const client = await source.launch();
      if (!isClient(client) && !isFmeClient(client)) throw new TypeError('launch() did not resolve a VWO client');
      // onClose ran while the client was launching: nobody else will close it.
      if (this.closed) await client.close();
      return client;
    } catch (error) {
      this.launchFailure = error instanceof Error ? error.message : String(error);
      log.error(`OpenFeature provider: ${this.unavailable}`);
      throw error;
    }
  }

  private watch(): void {
    if (this.setup.checkInterval === 0 || this.timer !== undefined) return;
    this.timer = host.setInterval(() => this.check(), this.setup.checkInterval);
    (this.timer as { unref?: () => void } | null)?.unref?.();
  }

  /** Compares the client's settings with the last seen ones and reports a swap. */
  check(): void {
    const client = this.current;
    if (!client || this.seen === undefined) return;
    const now = client.settings;
    if (now === this.seen.settings) return;
    const previous = this.seen.settings;
    this.seen = { settings: now };
    try {
      this.onSettingsChange(previous, now);
    } catch (error) {
      this.setup.log.error(`OpenFeature provider: settings change: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Stops the watch and closes the client if the provider launched it. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) host.clearInterval(this.timer);
    this.timer = undefined;
    const client = this.current;
    this.current = undefined;
    if (client && 'launch' in this.setup.source) await client.close();
  }
}
