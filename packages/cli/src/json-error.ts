/**
 * Where a JSON text goes wrong. `JSON.parse` on Node 20 often names no position ("Unexpected
 * token '}', ... is not valid JSON"), so a small scanner of the JSON grammar (RFC 8259) finds
 * the first offending character and says what was expected there.
 */

/** The first syntax error of a JSON text: offset (UTF-16 units), 1-based line and column, and why. */
export interface JsonSyntaxError {
  /** Offset of the offending character, from 0, in UTF-16 units. */
  readonly offset: number;
  /** Its line, from 1. */
  readonly line: number;
  /** Its column, from 1. */
  readonly column: number;
  /** What was wrong and what was expected there. */
  readonly message: string;
}

class Stop {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

function describe(text: string, at: number): string {
  if (at >= text.length) return 'the end of the text';
  const char = text[at] as string;
  const code = char.charCodeAt(0);
  return code < 0x20 ? `a control character (U+${code.toString(16).toUpperCase().padStart(4, '0')})` : `'${char}'`;
}

/** Returns the first syntax error of `text`, or `null` when it is valid JSON. */
export function findJsonError(text: string): JsonSyntaxError | null {
  let i = 0;
  const fail = (message: string, at = i): never => {
    throw new Stop(at, message);
  };
  const skipSpace = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const literal = (word: string) => {
    for (let k = 0; k < word.length; k++) {
      if (text[i + k] !== word[k]) fail(`expected ${word}, found ${describe(text, i + k)}`, i + k);
    }
    i += word.length;
  };
  const digits = () => {
    const start = i;
    while (i < text.length && text[i]! >= '0' && text[i]! <= '9') i++;
    if (i === start) fail(`expected a digit, found ${describe(text, i)}`);
  };
  const number = () => {
    if (text[i] === '-') i++;
    if (text[i] === '0') {
      i++;
      if (text[i]! >= '0' && text[i]! <= '9') fail('a number cannot have leading zeros');
    } else digits();
    if (text[i] === '.') {
      i++;
      digits();
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits();
    }
  };
  const string = () => {
    const start = i;
    i++;
    for (;;) {
      if (i >= text.length) fail('this string is never closed (missing ")', start);
      const char = text[i] as string;
      if (char === '"') {
        i++;
        return;
      }
      if (char.charCodeAt(0) < 0x20) fail(`${describe(text, i)} inside a string (write it escaped, e.g. \\n)`);
      if (char === '\\') {
        const next = text[i + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('\\u must be followed by 4 hex digits');
          i += 6;
        } else if (next !== undefined && ESCAPES.has(next)) {
          i += 2;
        } else {
          fail(`invalid escape \\${next ?? ''} in a string`);
        }
      } else i++;
    }
  };
  const value = (depth: number): void => {
    if (depth > 10_000) fail('nested too deeply');
    skipSpace();
    const char = text[i];
    if (char === '{') object(depth);
    else if (char === '[') array(depth);
    else if (char === '"') string();
    else if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) number();
    else if (char === 't') literal('true');
    else if (char === 'f') literal('false');
    else if (char === 'n') literal('null');
    else if (char === "'") fail("strings must use double quotes, found '");
    else fail(i >= text.length ? 'unexpected end of the text: a value is missing' : `expected a value, found ${describe(text, i)}`);
  };
  const object = (depth: number) => {
    i++;
    skipSpace();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      skipSpace();
      if (text[i] !== '"') {
        fail(
          text[i] === '}'
            ? 'a trailing comma before } is not allowed'
            : `expected a property name in double quotes, found ${describe(text, i)}`,
        );
      }
      string();
      skipSpace();
      if (text[i] !== ':') fail(`expected ':' after a property name, found ${describe(text, i)}`);
      i++;
      value(depth + 1);
      skipSpace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return;
      }
      fail(`expected ',' or '}' after a property value, found ${describe(text, i)}`);
    }
  };
  const array = (depth: number) => {
    i++;
    skipSpace();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      skipSpace();
      if (text[i] === ']') fail('a trailing comma before ] is not allowed');
      value(depth + 1);
      skipSpace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return;
      }
      fail(`expected ',' or ']' after an array element, found ${describe(text, i)}`);
    }
  };

  try {
    skipSpace();
    if (i >= text.length) fail('the text is empty: expected a JSON value');
    value(0);
    skipSpace();
    if (i < text.length) fail(`unexpected ${describe(text, i)} after the end of the JSON value`);
    return null;
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    return { offset: error.offset, ...lineAndColumn(text, error.offset), message: error.message };
  }
}

/** 1-based line and column of an offset (columns count UTF-16 units; CR LF is one line break). */
export function lineAndColumn(text: string, offset: number): Pick<JsonSyntaxError, 'line' | 'column'> {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text[k] === '\n') {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** The outcome of {@link parseJson}. */
export type JsonParseResult =
  | {
      /** The text is JSON. */
      readonly ok: true;
      /** The parsed value. */
      readonly value: unknown;
    }
  | {
      /** The text is not JSON. */
      readonly ok: false;
      /** Where and why. */
      readonly error: JsonSyntaxError;
    };

/** `JSON.parse` that reports where and why a text is not JSON. A leading byte-order mark is skipped. */
export function parseJson(text: string): JsonParseResult {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (error) {
    const found = findJsonError(body) ?? { offset: 0, line: 1, column: 1, message: (error as Error).message };
    return { ok: false, error: found };
  }
}
