/** One query parameter, in the order it was sent, its value decoded when that is possible. */
export type QueryPair = readonly [key: string, value: string];

export interface ParsedQuery {
  /** Every parameter in the order sent (duplicates kept). */
  readonly pairs: readonly QueryPair[];
  /** First value of each key, keys in the order first seen. */
  readonly params: Readonly<Record<string, string>>;
  /** The raw (undecoded) value of each key, for JSON parameters that must be read before decoding. */
  readonly raw: Readonly<Record<string, string>>;
}

/**
 * `decodeURIComponent` when the text is valid percent-encoding, the text itself otherwise.
 *
 * 1.73.0 sends most values unencoded (`ed={"p":"server"}`, a revenue of `1e+21`), an SDK
 * built on `URLSearchParams` percent-encodes them; both must read the same. `+` therefore
 * stays a `+`: 1.73.0 sends it literally, and reading it as a space would corrupt revenues.
 */
export function decodeTolerant(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Splits a raw query string (without `?`) on `&`. Empty segments — 1.73.0 ends every query
 * with `&` — are skipped; a segment without `=` is a key with an empty value.
 */
export function parseQuery(rawQuery: string): ParsedQuery {
  const pairs: QueryPair[] = [];
  const params: Record<string, string> = Object.create(null);
  const raw: Record<string, string> = Object.create(null);
  for (const segment of rawQuery.split('&')) {
    if (segment === '') continue;
    const eq = segment.indexOf('=');
    const rawKey = eq === -1 ? segment : segment.slice(0, eq);
    const rawValue = eq === -1 ? '' : segment.slice(eq + 1);
    const key = decodeTolerant(rawKey);
    const value = decodeTolerant(rawValue);
    pairs.push([key, value]);
    if (!(key in params)) {
      params[key] = value;
      raw[key] = rawValue;
    }
  }
  return { pairs, params: { ...params }, raw: { ...raw } };
}

/**
 * Reads a JSON-valued parameter whichever way it was encoded: 1.73.0 sends the JSON text
 * raw with its inner strings already percent-encoded (`tags={"u":{"a%20key":"%22"}}`), so
 * decoding first could turn an encoded quote into a real one and break the JSON; an SDK that
 * percent-encodes the whole value needs one decode. Raw first, then decoded.
 */
export function parseJsonParam(rawValue: string): { ok: true; value: unknown } | { ok: false } {
  for (const candidate of [rawValue, decodeTolerant(rawValue)]) {
    try {
      return { ok: true, value: JSON.parse(candidate) };
    } catch {
      // try the next reading
    }
  }
  return { ok: false };
}
