/**
 * A small benchmark harness: contenders of one workload run in the same process, interleaved
 * round by round so that machine drift hits them alike; the median of the rounds is reported.
 */
const now = () => Number(process.hrtime.bigint()) / 1e6;

function runFor(fn, inputs, ms) {
  let ops = 0;
  let sink = 0;
  const start = now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < inputs.length; i++) if (fn(inputs[i])) sink++;
    ops += inputs.length;
    elapsed = now() - start;
  }
  return { opsPerSecond: (ops / elapsed) * 1000, sink };
}

async function runForAsync(fn, inputs, ms) {
  let ops = 0;
  const start = now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < inputs.length; i++) await fn(inputs[i]);
    ops += inputs.length;
    elapsed = now() - start;
  }
  return { opsPerSecond: (ops / elapsed) * 1000 };
}

/**
 * A full collection before each contender's round (the child runs with --expose-gc): otherwise
 * a round pays for the garbage the contender before it left, and the contenders interleaved in
 * one process tax each other.
 */
const collect = typeof globalThis.gc === 'function' ? globalThis.gc : () => {};

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * @param {{ name: string, contenders: { name: string, fn: (input: unknown) => unknown, inputs: unknown[], slow?: boolean }[] }} workload
 */
export function measure(workload, { rounds = 7, roundMs = 250 } = {}) {
  const samples = new Map(workload.contenders.map((c) => [c.name, []]));
  for (const c of workload.contenders) runFor(c.fn, c.inputs.slice(0, 2000), 100); // warm-up and JIT
  for (let round = 0; round < rounds; round++) {
    for (const c of workload.contenders) {
      collect();
      samples.get(c.name).push(runFor(c.fn, c.inputs, roundMs).opsPerSecond);
    }
  }
  return workload.contenders.map((c) => ({ workload: workload.name, contender: c.name, opsPerSecond: median(samples.get(c.name)) }));
}

/** As {@link measure}, awaiting each call as an application would (`async: true` contenders). */
export async function measureAsync(workload, { rounds = 7, roundMs = 250 } = {}) {
  const samples = new Map(workload.contenders.map((c) => [c.name, []]));
  const run = (c, inputs, ms) => (c.async ? runForAsync(c.fn, inputs, ms) : Promise.resolve(runFor(c.fn, inputs, ms)));
  for (const c of workload.contenders) await run(c, c.inputs.slice(0, 2000), 100);
  for (let round = 0; round < rounds; round++) {
    for (const c of workload.contenders) {
      collect();
      samples.get(c.name).push((await run(c, c.inputs, roundMs)).opsPerSecond);
    }
  }
  return workload.contenders.map((c) => ({ workload: workload.name, contender: c.name, opsPerSecond: median(samples.get(c.name)) }));
}

export function formatRate(opsPerSecond) {
  if (opsPerSecond >= 1e6) return `${(opsPerSecond / 1e6).toFixed(2)} M/s`;
  return `${(opsPerSecond / 1e3).toFixed(1)} k/s`;
}
