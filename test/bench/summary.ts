import type { Headline, HeadlineFigure } from './bench-types.js';
import { type BenchOutcome, formatNumber } from './report.js';

/** The issue's table, in its order: each figure and the benchmark that measures it. */
export const SUMMARY_ROWS: readonly { figure: HeadlineFigure; title: string; bench: string }[] = [
  {
    figure: 'provider-busy',
    title: 'provider capacity kept busy while contacts are due',
    bench: 'provider-limit',
  },
  { figure: 'due-to-dial', title: 'due → dial latency', bench: 'due-to-dial' },
  { figure: 'webhook-ingestion', title: 'webhook ingestion rate', bench: 'webhooks' },
  { figure: 'webhook-ack', title: 'webhook ack p99 at 500/s open loop', bench: 'webhooks' },
  {
    figure: 'hubspot-requests',
    title: 'HubSpot requests per finished call (all kinds)',
    bench: 'hubspot-requests',
  },
  { figure: 'import-100k', title: '100,000-contact import', bench: 'import' },
  {
    figure: 'dispatcher-tick',
    title: 'dispatcher tick at 1,000,000 queued contacts, 100 campaigns',
    bench: 'dispatcher',
  },
  { figure: 'csv-export', title: 'CSV export of 100,000 attempts', bench: 'csv-export' },
  { figure: 'scale-out', title: 'dials/s and webhooks/s with 1, 2, 4 worker processes', bench: 'scale-out' },
];

/** A row of the summary as printed and as kept in the JSON file. */
export interface SummaryRow {
  readonly figure: string;
  readonly measured: string;
  readonly baseline: string;
  readonly comparison: string;
  readonly goal: string;
  readonly verdict: 'PASS' | 'MISS' | '—' | 'NOT RUN' | 'ERROR';
  readonly headline?: Headline;
}

const value = (n: number, unit: string) => `${formatNumber(n)}${unit ? ` ${unit}` : ''}`;

/** Every row of the issue's table for this run: measured ones, and "not run" or "error" for the others. */
export function summaryRows(outcomes: readonly BenchOutcome[]): SummaryRow[] {
  return SUMMARY_ROWS.flatMap(({ figure, title, bench }): SummaryRow[] => {
    const outcome = outcomes.find((o) => o.name === bench);
    const blank = { measured: '', baseline: '', comparison: '', goal: '' };
    if (!outcome)
      return [{ figure: title, ...blank, comparison: `npm run bench -- ${bench}`, verdict: 'NOT RUN' }];
    if (!outcome.result)
      return [{ figure: title, ...blank, comparison: 'the benchmark failed', verdict: 'ERROR' }];
    const headlines = (outcome.result.headlines ?? []).filter((h) => h.figure === figure);
    if (headlines.length === 0) {
      return [{ figure: title, ...blank, comparison: 'not measured by the benchmark', verdict: 'ERROR' }];
    }
    return headlines.map((h) => ({
      figure: h.part ? `${title}: ${h.part}` : title,
      measured: value(h.measured, h.unit),
      baseline: h.baseline
        ? `${value(h.baseline.value, h.baseline.unit)} (${h.baseline.what}; ${h.baseline.source})`
        : '—',
      comparison: h.comparison,
      goal: h.goal,
      verdict: h.pass === null ? '—' : h.pass ? 'PASS' : 'MISS',
      headline: h,
    }));
  });
}

const escapeCell = (text: string) => text.replace(/\|/g, '\\|');

/** The summary as a Markdown table (readable in a terminal, pasted as is into the README), then the misses. */
export function renderSummary(rows: readonly SummaryRow[]): string {
  const header = ['figure', 'measured', 'baseline', 'ratio or comparison', 'goal', 'verdict'];
  const cells = rows.map((r) =>
    [r.figure, r.measured, r.baseline, r.comparison, r.goal, r.verdict].map(escapeCell),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]) => `| ${c.map((x, i) => x.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const lines = [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
  const missed = rows.filter((r) => r.verdict === 'MISS' || r.verdict === 'ERROR');
  const met = rows.filter((r) => r.verdict === 'PASS').length;
  const goals = rows.filter((r) => r.verdict === 'PASS' || r.verdict === 'MISS').length;
  lines.push('', `${met} of ${goals} goals measured in this run were met.`);
  if (missed.length) {
    lines.push('Missed:');
    for (const r of missed) {
      lines.push(`- ${r.figure}: ${r.verdict}${r.headline?.evidence ? `. ${r.headline.evidence}` : ''}`);
    }
  }
  const notRun = rows.filter((r) => r.verdict === 'NOT RUN');
  if (notRun.length)
    lines.push(`Not run (a subset was asked for): ${notRun.map((r) => r.figure).join('; ')}.`);
  return lines.join('\n');
}
