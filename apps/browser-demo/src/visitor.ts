/** Where the page keeps its visitor id: generated at the first visit, the same at every later one. */
export const VISITOR_KEY = 'browser-demo:visitor-id';

interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * The visitor id kept in `storage`, or a new random one stored there. Where storage is missing
 * or throws (blocked site data), the id is new at each page load: the visitor is then a new
 * user for the SDK every time, which is all a page without storage can do.
 */
export function visitorId(storage: KeyValueStore | undefined): string {
  try {
    const known = storage?.getItem(VISITOR_KEY);
    if (known) return known;
  } catch {
    // Reading localStorage throws where site data is blocked.
  }
  const id = `visitor-${randomHex(8)}`;
  try {
    storage?.setItem(VISITOR_KEY, id);
  } catch {
    // Full or blocked: the id lives for this page only.
  }
  return id;
}

/** `bytes` random bytes as hex; `getRandomValues`, unlike `randomUUID`, works outside secure contexts too. */
function randomHex(bytes: number): string {
  const values = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(values, (b) => b.toString(16).padStart(2, '0')).join('');
}
