import { type Logger, parseSettings, type VWOClient } from '@vwo/core';

/**
 * Re-fetches the settings every `intervalMs` and swaps them in when they changed and are
 * valid; otherwise the client keeps serving from the last good settings. The timer never keeps
 * the process alive, and polls never overlap. `onValid` gets each fetched file that is valid,
 * changed or not (the settings cache is written with it).
 */
export function startPolling(
  client: () => VWOClient | undefined,
  fetchSettings: () => Promise<unknown>,
  intervalMs: number,
  log: Logger,
  initial: unknown,
  onValid?: (file: unknown) => unknown,
): () => void {
  let last = JSON.stringify(initial);
  let running = false;
  let stopped = false;
  const poll = async () => {
    if (running || stopped) return;
    running = true;
    try {
      const file = await fetchSettings();
      const text = JSON.stringify(file);
      if (stopped) return;
      if (text === last) {
        await onValid?.(file);
        return;
      }
      const parsed = parseSettings(file);
      if (!parsed.ok) {
        log.error(`polling: the fetched settings are invalid, keeping the last good ones: ${parsed.error.message}`);
        return;
      }
      last = text;
      client()?.updateSettings(parsed.settings);
      log.info('polling: settings changed and were swapped in');
      await onValid?.(file);
    } catch (error) {
      log.warn(`polling: ${error instanceof Error ? error.message : String(error)}; keeping the last good settings`);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void poll(), intervalMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
