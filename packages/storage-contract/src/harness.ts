/**
 * What both halves of the contract (`launch`'s `UserStorage` and `init`'s FME connector) run their
 * tests in: a fresh subject per test, user ids no other test or earlier run used, clients closed
 * and cleanups run after each test, pass or fail.
 */
import { afterEach, describe, it, type TestFunction } from 'vitest';

/** Options of {@link describeUserStorageContract} and {@link describeFmeStorageContract}. */
export interface ContractOptions {
  /** Time-out of each test (ms, default 20,000). */
  readonly timeoutMs?: number;
}

/** What any factory of the contract returns: a subject, with a cleanup or without. */
interface CleanableSubject {
  cleanup?(): void | Promise<void>;
}

/** A factory's subject as a test receives it. */
export type FreshSubject<Subject> = Subject & {
  /** A user id no other test (nor an earlier run on a shared store) uses. */
  readonly user: (id: string) => string;
  /** The number of this subject among the block's: unique within the block. */
  readonly run: number;
};

/** The tools a contract's tests are written with. */
export interface ContractHarness<Subject, Client> {
  /** A fresh subject from the factory; its cleanup runs after the test. */
  subject(): Promise<FreshSubject<Subject>>;
  /** Closes `client` after the test, and hands it back. */
  closeAfterTest<C extends Client>(client: C): C;
  /** A test of the contract, with the block's time-out. */
  test(title: string, body: TestFunction): void;
}

/**
 * Declares the `describe` block of one half of the contract; `tests` declares its tests with the
 * harness. `idTag` starts every user id, so the halves never share one on a store used by both.
 */
export function describeContract<Subject extends CleanableSubject, Client extends { close(): unknown }>(
  title: string,
  idTag: string,
  factory: () => Subject | Promise<Subject>,
  options: ContractOptions,
  tests: (harness: ContractHarness<Subject, Client>) => void,
): void {
  const timeout = options.timeoutMs ?? 20_000;
  describe(title, () => {
    const cleanups: Array<() => void | Promise<void>> = [];
    const clients: Client[] = [];
    let run = 0;
    // Unique across runs too: a store kept between runs (a shared Redis) still holds earlier ids.
    const prefix = `${idTag}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    afterEach(async () => {
      await Promise.all(clients.splice(0).map((client) => client.close()));
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });
    tests({
      async subject() {
        const made = await factory();
        if (made.cleanup) cleanups.push(() => made.cleanup!());
        run++;
        const thisRun = run;
        return { ...made, run: thisRun, user: (id: string) => `${prefix}-${thisRun}-${id}` };
      },
      closeAfterTest(client) {
        clients.push(client);
        return client;
      },
      test: (testTitle, body) => it(testTitle, body, timeout),
    });
  });
}
