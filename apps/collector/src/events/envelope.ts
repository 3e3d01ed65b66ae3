import { fail, isPlainObject, toSessionId, toUuid } from './fields.js';

/** The `d` object every `/events/t` request carries, legacy (events.md §8) and FME (fme/events.md §3.4) alike. */
export interface Envelope {
  readonly d: Record<string, unknown>;
  readonly msgId: string;
  readonly uuid: string;
  readonly name: string;
  readonly props: Record<string, unknown>;
  /** Absent only where `visitorOptional` allowed it (FME usage statistics carry no visitor). */
  readonly visitorProps: Record<string, unknown> | undefined;
  /** `d.event.time` when it is a non-negative integer. */
  readonly time: number | undefined;
}

export interface EnvelopeRules {
  /** The event name the query announced (`en`); null inside a batch, where the body is all there is. */
  readonly expectedName: string | null;
  /** FME's `vwo_sdkUsageStats` has no `d.visitor`. */
  readonly visitorOptional?: (name: string) => boolean;
  /** FME events always carry `d.event.time`, which orders impressions and conversions. */
  readonly timeRequired?: boolean;
}

/** Checks the envelope at `path` (`d`, or `ev[3].d` in a batch); refusals name the field. */
export function readEnvelope(d: unknown, path: string, rules: EnvelopeRules): Envelope {
  if (!isPlainObject(d)) fail(path, 'expected an object', d);
  const msgId = d.msgId;
  if (typeof msgId !== 'string' || msgId === '') fail(`${path}.msgId`, 'expected a non-empty string', msgId);
  if (msgId.length > 200) fail(`${path}.msgId`, 'expected at most 200 characters', msgId);
  const uuid = toUuid(d.visId, `${path}.visId`);
  if (d.sessionId !== undefined) toSessionId(d.sessionId, `${path}.sessionId`);
  const event = d.event;
  if (!isPlainObject(event)) fail(`${path}.event`, 'expected an object', event);
  const name = event.name;
  if (typeof name !== 'string' || name === '') fail(`${path}.event.name`, 'expected a non-empty string', name);
  if (rules.expectedName !== null && name !== rules.expectedName) fail('en', 'does not match d.event.name', rules.expectedName);
  const props = event.props;
  if (!isPlainObject(props)) fail(`${path}.event.props`, 'expected an object', props);
  let time: number | undefined;
  if (event.time !== undefined || rules.timeRequired) {
    if (typeof event.time !== 'number' || !Number.isSafeInteger(event.time) || event.time < 0) {
      fail(`${path}.event.time`, 'expected a time in ms (a non-negative integer)', event.time);
    }
    time = event.time;
  }
  const visitor = d.visitor;
  let visitorProps: Record<string, unknown> | undefined;
  if (visitor !== undefined || !rules.visitorOptional?.(name)) {
    if (!isPlainObject(visitor)) fail(`${path}.visitor`, 'expected an object', visitor);
    const given = visitor.props;
    if (!isPlainObject(given)) fail(`${path}.visitor.props`, 'expected an object', given);
    visitorProps = given;
  }
  return { d, msgId, uuid, name, props, visitorProps, time };
}
