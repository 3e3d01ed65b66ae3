import type { FmeSettingsHttpClient } from '@vwo/core';

/**
 * The settings client of 1.35.0's browser build (`XMLUtil.sendRequest` over `XMLHttpRequest`),
 * whose texts its `vwo_sdkDebug` events carry: no content-type check; a 2xx is parsed as the file;
 * a 400 fails at once with the body as its error; any other status is retried and named by its
 * reason phrase (`statusText`); a request with no answer reads `, status: 0` (XHR's `statusText`
 * and `status` of a network error), a time-out `Request timed out`.
 *
 * A 2xx whose body is no JSON throws inside that build's `onload`: its fetch never settles, its
 * `init` never resolves and nothing is reported or retried. Here the fetch fails at once,
 * unreported (the same requests), and `init` resolves a client whose flags are off.
 */
export const XHR_SETTINGS_CLIENT: FmeSettingsHttpClient = {
  read({ status, statusText, body }) {
    if (status !== undefined && status >= 200 && status < 300) {
      try {
        return { kind: 'ok', file: JSON.parse(body) };
      } catch (error) {
        return { kind: 'abandoned', error: String(error) };
      }
    }
    if (status === 400) return { kind: 'refused', error: body };
    return { kind: 'retry', error: statusText ?? '' };
  },
  networkErrorText: () => ', status: 0',
  timeoutText: 'Request timed out',
  // Its response model is given the status, the attempts, then the error, whatever the failure.
  refusalNamesErrorFirst: false,
};
