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
 * Calls `onHidden` when the page is hidden or left (as `onPageHide` of `@vwo/transport-beacon`
 * does: on `pagehide`, and on `visibilitychange` to hidden) and tracks whether it is hidden now.
 * Both events may fire for one departure: the callback must be cheap and idempotent. Outside a
 * page (workers, edge runtimes) it listens to nothing and the page never counts as hidden.
 *
 * @example
 * const page = watchPage(() => void vwo.flushEvents({ retryWaiting: true }));
 * page.hidden(); // false while the visitor looks at the page
 */
export function watchPage(onHidden: () => void): PageWatch {
  const scope = globalThis as PageScope;
  const visibility = () => scope.document?.visibilityState;
  let hidden = visibility() === 'hidden';
  let leaving = false;
  // One listener per event, each setting the flags before `onHidden` runs, so that the flush it
  // triggers already knows the page is leaving (onPageHide's listener would run after ours).
  const onLeave = (): void => {
    leaving = hidden = true;
    onHidden();
  };
  const onVisibility = (): void => {
    hidden = visibility() === 'hidden';
    if (hidden) onHidden();
  };
  const onShow = (): void => {
    leaving = false;
    hidden = visibility() === 'hidden';
  };
  const listen = (add: boolean): void => {
    const method = add ? 'addEventListener' : 'removeEventListener';
    scope[method]?.('pagehide', onLeave);
    scope[method]?.('pageshow', onShow);
    scope.document?.[method]('visibilitychange', onVisibility);
  };
  listen(true);
  return { hidden: () => hidden, leaving: () => leaving, stop: () => listen(false) };
}
