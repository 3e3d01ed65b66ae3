import { runNext } from './next-bin.js';

/** Builds the page once per test run with `next build` (production), and prints how long it took. */
export default async function setup(): Promise<void> {
  const started = performance.now();
  const child = runNext(['build']);
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`next build exited with ${code}:\n${output}`);
  console.log(`next build: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
