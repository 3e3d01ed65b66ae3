/** Number formats shared by the terminal table and the HTML report. */
const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });

export const count = (n: number): string => whole.format(n);
export const dollars = (n: number): string => money.format(n);
export const percent = (share: number, digits = 1): string => (Number.isFinite(share) ? `${(share * 100).toFixed(digits)}%` : '—');
export const weight = (w: number): string => `${Number(w.toFixed(4))}%`;

export function pValue(p: number | null): string {
  if (p === null || Number.isNaN(p)) return 'n/a';
  if (p < 0.0001) return '< 0.0001';
  return p < 0.01 ? p.toFixed(4) : p.toFixed(3);
}

export const CAMPAIGN_TYPES: Readonly<Record<string, string>> = {
  VISUAL_AB: 'A/B test',
  FEATURE_TEST: 'feature test',
  FEATURE_ROLLOUT: 'feature rollout',
};

export function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`;
}
