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
  /**
   * Whether the page is being left (`pagehide`, until a `pageshow` brings it back from the
   * back/forward cache): no answer to a request sent now will ever be read.
   */
  leaving(): boolean;
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
  let leaving = false;
  // Registered before onPageHide's listener, so the flush it triggers already knows.
  const onLeave = (): void => {
    leaving = true;
  };
  scope.addEventListener?.('pagehide', onLeave);
  const stopHide = onPageHide(() => {
    hidden = true;
    onHidden();
  });
  const onShow = (): void => {
    if (scope.document?.visibilityState !== 'hidden') hidden = false;
  };
  const onPageShow = (): void => {
    leaving = false;
    onShow();
  };
  scope.addEventListener?.('pageshow', onPageShow);
  scope.document?.addEventListener('visibilitychange', onShow);
  return {
    hidden: () => hidden,
    leaving: () => leaving,
    stop() {
      stopHide();
      scope.removeEventListener?.('pagehide', onLeave);
      scope.removeEventListener?.('pageshow', onPageShow);
      scope.document?.removeEventListener('visibilitychange', onShow);
    },
  };
}
