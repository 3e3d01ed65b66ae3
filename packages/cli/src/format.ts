/** Text helpers for the CLI's tables. */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 12345 → "12,345". */
export function count(n: number): string {
  return integer.format(n);
}

/** 0.12345 → "12.35%". */
export function percent(share: number, digits = 2): string {
  return Number.isFinite(share) ? `${(share * 100).toFixed(digits)}%` : '—';
}

/** A p-value as people read it: "0.942", "0.0031", "< 0.0001". */
export function pValueText(p: number | null): string {
  if (p === null || Number.isNaN(p)) return 'n/a';
  if (p < 0.0001) return '< 0.0001';
  if (p < 0.01) return p.toFixed(4);
  return p.toFixed(3);
}

/** A weight as written in the settings (50, 33.3333). */
export function weightText(weight: unknown): string {
  if (typeof weight === 'number') return `${Number(weight.toFixed(4))}%`;
  if (typeof weight === 'string') return `${JSON.stringify(weight)}`;
  return '—';
}

/** Display width of a string: code points, so that ✔ and non-ASCII names line up. */
function width(text: string): number {
  return [...text].length;
}

/** Renders rows as columns separated by two spaces; `align` is 'l' or 'r' per column. */
export function table(rows: readonly (readonly string[])[], align: string, indent = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, width(cell));
    });
  }
  return rows.map(
    (row) =>
      indent +
      row
        .map((cell, i) => {
          const pad = ' '.repeat((widths[i] ?? 0) - width(cell));
          return align[i] === 'r' ? pad + cell : i === row.length - 1 ? cell : cell + pad;
        })
        .join('  '),
  );
}
