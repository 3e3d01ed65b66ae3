import { onPageHide } from '@vwo/transport-beacon';

interface PageScope {
  addEventListener?(type: string, listener: () => void): void;
  removeEventListener?(type: string, listener: () => void): void;
  readonly document?: {
    readonly visibilityState?: string;
    addEventListener(type: string, listener: () => void): void;
    removeEventListener(type: string, listener: () => void): void;
  };
}

/** What {@link watchPage} reports and controls. */
export interface PageWatch {
  /**
   * Whether the page is hidden or being left: from `pagehide` or `visibilitychange` to hidden
   * until `pageshow` or `visibilitychange` to visible. Inside `pagehide` Chromium still reports
   * `visibilityState` as `visible`, so this flag, not the document, is what counts.
   */
  hidden(): boolean;
  /** Removes the listeners. */
  stop(): void;
}

/**
 * Calls `onHidden` when the page is hidden or left (`onPageHide` of `@vwo/transport-beacon`) and
 * tracks whether it is hidden now. Both `pagehide` and `visibilitychange` may fire for one
 * departure: the callback must be cheap and idempotent. Outside a page (workers, edge
 * runtimes) it listens to nothing and the page never counts as hidden.
 *
 * @example
 * const page = watchPage(() => void vwo.flushEvents({ retryWaiting: true }));
 * page.hidden(); // false while the visitor looks at the page
 */
export function watchPage(onHidden: () => void): PageWatch {
  const scope = globalThis as PageScope;
  let hidden = scope.document?.visibilityState === 'hidden';
  const stopHide = onPageHide(() => {
    hidden = true;
    onHidden();
  });
  const onShow = (): void => {
    if (scope.document?.visibilityState !== 'hidden') hidden = false;
  };
  scope.addEventListener?.('pageshow', onShow);
  scope.document?.addEventListener('visibilitychange', onShow);
  return {
    hidden: () => hidden,
    stop() {
      stopHide();
      scope.removeEventListener?.('pageshow', onShow);
      scope.document?.removeEventListener('visibilitychange', onShow);
    },
  };
}
