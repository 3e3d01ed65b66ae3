/**
 * The edge runtime: Vercel's `edge-runtime` VM (`EdgeVM` from `@edge-runtime/vm`, which the
 * `edge-runtime` package exports as `EdgeRuntime`). A fresh V8 context with the web APIs of an
 * edge function (fetch, Request, Response, crypto, TextEncoder, URL, timers, …) and none of
 * Node's globals; code generation from strings (`eval`, `new Function`) is refused, as on the
 * edge platforms. The only addition here is a count of the timers the loaded code leaves behind.
 */
import { EdgeRuntime as EdgeVM } from 'edge-runtime';
import { GLOBAL_NAME } from './bundle.js';

type TimerFunctions = {
  setTimeout: (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => unknown;
  clearTimeout: (id: unknown) => void;
  setInterval: (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => unknown;
  clearInterval: (id: unknown) => void;
};

/** An edge VM and what the test needs from it. */
export interface EdgeSandbox {
  readonly vm: EdgeVM;
  /** Runs a script in the VM and returns its completion value (a VM-realm value). */
  evaluate<T = unknown>(code: string): T;
  /** Evaluates a bundle; its exports are then the VM global {@link GLOBAL_NAME}. */
  load(bundle: string): void;
  /** Calls an export of the loaded bundle with JSON arguments and returns its (awaited) result, copied out of the VM. */
  call<T>(name: string, ...args: unknown[]): Promise<T>;
  /** Timers set by code in the VM that have neither fired nor been cleared. */
  liveTimers(): number;
}

export function createEdgeSandbox(): EdgeSandbox {
  const live = new Set<unknown>();
  const vm = new EdgeVM({
    extend: (context) => {
      const timers = context as unknown as TimerFunctions;
      const { setTimeout, clearTimeout, setInterval, clearInterval } = timers;
      timers.setTimeout = (callback, ms, ...args) => {
        const id = setTimeout(
          (...callArgs: unknown[]) => {
            live.delete(id);
            callback(...callArgs);
          },
          ms,
          ...args,
        );
        live.add(id);
        return id;
      };
      timers.clearTimeout = (id) => {
        live.delete(id);
        clearTimeout(id);
      };
      timers.setInterval = (callback, ms, ...args) => {
        const id = setInterval(callback, ms, ...args);
        live.add(id);
        return id;
      };
      timers.clearInterval = (id) => {
        live.delete(id);
        clearInterval(id);
      };
      return context;
    },
  });
  return {
    vm,
    evaluate: <T>(code: string) => vm.evaluate<T>(code),
    load(bundle) {
      vm.evaluate(bundle);
      if (vm.evaluate(`typeof ${GLOBAL_NAME}`) !== 'object') throw new Error(`the bundle did not define ${GLOBAL_NAME}`);
    },
    async call<T>(name: string, ...args: unknown[]): Promise<T> {
      // Arguments go in as JSON source and the result comes out as JSON: nothing of the Node realm leaks in.
      const list = args.map((arg) => JSON.stringify(arg)).join(', ');
      const json = await vm.evaluate<Promise<string>>(`Promise.resolve(${GLOBAL_NAME}.${name}(${list})).then((r) => JSON.stringify(r))`);
      return JSON.parse(json) as T;
    },
    liveTimers: () => live.size,
  };
}
