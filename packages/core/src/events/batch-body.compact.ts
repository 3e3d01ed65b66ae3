/**
 * batch-body.ts for the browser build: the body as `JSON.stringify` writes the event objects,
 * which is what the server build's hand-written text equals (test/batch-body.test.ts). A page
 * sends small batches, where the server's writer saves nothing worth its bytes.
 */
import { batchEvent } from './batch-event.js';
import { utf8Length } from './encoding.js';
import { sessionId } from './session-id.js';
import type { EventRecord } from './types.js';

/** The batch body of `records` and its UTF-8 byte length (`Content-Length`). */
export function batchBody(
  records: readonly EventRecord[],
  _ownIds: boolean,
  visitorUuidOf: (userId: string) => string,
): { body: string; byteLength: number } {
  const body = JSON.stringify({ ev: records.map((record) => batchEvent(record, sessionId(record.time), visitorUuidOf)) });
  return { body, byteLength: utf8Length(body) };
}
