/**
 * Reading a server's bootstrap in a page, for `launchFromBootstrap` and `initFromBootstrap`
 * alike: the element's text, and the one reason a client does not start from it.
 */
import { BOOTSTRAP_ELEMENT_ID, type BootstrapCheck, type RefusedBootstrap } from '@vwo/core';

/** Why a page does not start from its bootstrap: `<kind>: <reason>`, or `there is none`. */
export interface UnusedBootstrap {
  /** Always `false`. */
  readonly ok: false;
  /** The text of the one log line's parenthesis. */
  readonly reason: string;
}

const UNPARSABLE = Symbol('unparsable');

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return UNPARSABLE;
  }
}

/** The options of a page's start that say what its bootstrap must be. */
export interface PageBootstrapOptions extends Pick<BootstrapCheck, 'userId' | 'maxAgeMs' | 'minRevision'> {
  /** The page's `accountId` option: a bootstrap of another account is refused. */
  readonly accountId?: number | string;
}

/** What a page asks of its bootstrap: made for its visitor, within the limits its options name (one left out keeps the checker's default). */
export function pageBootstrapCheck(options: PageBootstrapOptions): BootstrapCheck {
  const { userId, maxAgeMs, minRevision, accountId } = options;
  return {
    userId,
    ...(maxAgeMs === undefined ? {} : { maxAgeMs }),
    ...(minRevision === undefined ? {} : { minRevision }),
    ...(accountId === undefined ? {} : { accountId }),
  };
}

/**
 * The bootstrap as given (its JSON text or the parsed object) after `check`, or why it is not
 * used. Never throws: `check` never does.
 */
export function pageBootstrapVerdict<Usable extends { readonly ok: true }>(
  bootstrap: unknown,
  check: (parsed: unknown) => Usable | RefusedBootstrap,
): Usable | UnusedBootstrap {
  if (bootstrap === undefined || bootstrap === null) return { ok: false, reason: 'there is none' };
  const parsed = typeof bootstrap === 'string' ? parseJson(bootstrap) : bootstrap;
  if (parsed === UNPARSABLE) return { ok: false, reason: 'malformed: its text is not JSON' };
  const verdict = check(parsed);
  return verdict.ok ? verdict : { ok: false, reason: `${verdict.kind}: ${verdict.reason}` };
}

/** The one line a page logs (warn) when it starts normally instead. */
export function unusedBootstrapLine(reason: string): string {
  return `bootstrap not used (${reason}): starting normally`;
}

/**
 * The text of the page's bootstrap element (`<script type="application/json" id="vwo-bootstrap">`,
 * as `bootstrapScript` of `@vwo/node` writes it), or `undefined` outside a page or without one.
 */
export function readBootstrap(id: string = BOOTSTRAP_ELEMENT_ID): string | undefined {
  if (typeof document === 'undefined') return undefined;
  return document.getElementById(id)?.textContent ?? undefined;
}
