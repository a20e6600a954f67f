// The shape every benchmark reports in, so bench/run.ts can put them in one table.
export type BenchRow = {
  /** What was measured, e.g. "catalog / under load". */
  name: string;
  /** The headline figure with its unit, e.g. "1,234 req/s". */
  value: string;
  /** The comparison the issue asks for, e.g. "0.62 of bare node:http". */
  ratio: string;
  /** The aim and whether it was met, e.g. "≥ 0.5: met". */
  aim: string;
  detail?: string;
};

export const RESULT_PREFIX = 'BENCH_ROWS ';

/** Prints rows for people, then one machine-readable line for bench/run.ts. */
export function report(title: string, rows: BenchRow[]): void {
  console.log(`\n${title}`);
  console.table(rows.map((row) => ({ ...row, detail: row.detail ?? '' })));
  console.log(`${RESULT_PREFIX}${JSON.stringify(rows)}`);
}

export const formatNumber = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
