/** The `sId` of an event at `time` (ms since the epoch): 1.73.0's whole seconds, rounded up (events.md). */
export function sessionId(time: number): number {
  return Math.ceil(time / 1000);
}
