import { BOOTSTRAP_ELEMENT_ID, type Bootstrap, type FmeBootstrap } from './format.js';

// `<` ends a script element early (`</script>`, `<!--`); U+2028/U+2029 end a line in older
// JavaScript parsers. Escaped, the JSON parses to the same value and cannot break out of the page.
const UNSAFE_IN_HTML = /[<>&\u2028\u2029]/g;

function escapeForHtml(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** The bootstrap as JSON that is safe inside a `<script>` element of an HTML page (and still plain JSON). */
export function serializeBootstrap(bootstrap: Bootstrap | FmeBootstrap): string {
  return JSON.stringify(bootstrap).replace(UNSAFE_IN_HTML, escapeForHtml);
}

/**
 * The bootstrap as a `<script type="application/json">` element for a server-rendered page;
 * the browser reads it with `readBootstrap()` of `@vwo/browser` (for `launch` and `init` bootstraps alike). `id` defaults to `'vwo-bootstrap'`.
 */
export function bootstrapScript(bootstrap: Bootstrap | FmeBootstrap, id: string = BOOTSTRAP_ELEMENT_ID): string {
  const safeId = String(id).replace(/[^A-Za-z0-9_-]/g, '');
  return `<script type="application/json" id="${safeId}">${serializeBootstrap(bootstrap)}</script>`;
}
