/**
 * Figures for the report. Each test file fills one section (tables, goals with the figure that
 * met or missed them, notes) and saves it as JSON in the run's results directory; the global
 * set-up's teardown (`global-setup.ts`) turns the sections into `reliability-report.md` and
 * `reliability-report.json` at the repository root.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    resultsDir: string;
  }
}

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

export interface Goal {
  readonly name: string;
  readonly ok: boolean;
  /** What was measured. */
  readonly actual: string;
  /** What the goal asks. */
  readonly expected: string;
}

export interface Table {
  readonly title: string;
  readonly rows: Row[];
}

export interface SectionData {
  readonly id: string;
  readonly order: number;
  readonly title: string;
  readonly tables: Table[];
  readonly goals: Goal[];
  readonly figures: Record<string, unknown>;
  readonly notes: string[];
}

export interface Section {
  table(title: string, rows: Row[]): void;
  /** Records a goal; returns `ok` so a test can also assert on it. */
  goal(name: string, ok: boolean, actual: unknown, expected: string): boolean;
  figure(key: string, value: unknown): void;
  note(text: string): void;
  /** How many goals are recorded now: pass it to `missed` to see only the goals recorded since. */
  mark(): number;
  /** The goals missed (from the `mark`), for `expect(section.missed(mark)).toEqual([])`. */
  missed(from?: number): string[];
  /** Writes the section now (each test calls it, so a later crash loses nothing). */
  save(): void;
}

export function section(id: string, order: number, title: string): Section {
  const data: SectionData = { id, order, title, tables: [], goals: [], figures: {}, notes: [] };
  return {
    table(tableTitle, rows) {
      data.tables.push({ title: tableTitle, rows });
      this.save();
    },
    goal(name, ok, actual, expected) {
      data.goals.push({ name, ok, actual: typeof actual === 'string' ? actual : JSON.stringify(actual), expected });
      this.save();
      return ok;
    },
    figure(key, value) {
      data.figures[key] = value;
      this.save();
    },
    note(text) {
      data.notes.push(text);
      this.save();
    },
    mark: () => data.goals.length,
    missed: (from = 0) =>
      data.goals
        .slice(from)
        .filter((g) => !g.ok)
        .map((g) => `${g.name}: ${g.actual} (goal: ${g.expected})`),
    save() {
      const dir = inject('resultsDir');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${id}.json`), JSON.stringify(data, null, 2));
    },
  };
}
