import type { CallOutcome } from '@fundraising/shared';
import type { Queryable } from '../db/pool.js';
import { queryRows } from '../db/statement.js';
import { EXPORT_COLUMNS, toAttemptView } from './attempt-view.js';
import { csvRow } from './csv.js';
import { EXPORT_PAGE, EXPORT_START } from './results-queries.js';

/**
 * Rows read per query: memory holds about one page whatever the export's size. 500, not more: a page of 1,000
 * rows (and its CSV, ~380 KB) lived long enough to be promoted out of V8's young generation, so RSS climbed by
 * 30-55 MB over a 100,000-row export until the next full GC; at 500 or 250 it stayed within 2 MB, and the export
 * was no slower (npm run bench -- csv-export; measured with the generator alone, three rounds each).
 */
export const EXPORT_PAGE_ROWS = 500;

/** Excel reads a CSV as the machine's code page unless it starts with a byte-order mark; other readers skip it. */
const UTF8_BOM = '\uFEFF';

/** Whose attempts an export holds: one campaign of one portal, optionally of one outcome. */
export interface ExportScope {
  readonly portalId: number;
  readonly campaignId: string;
  readonly outcome: CallOutcome | null;
}

export interface ExportProgress {
  rows: number;
}

/**
 * A campaign's attempts as CSV text, one chunk per keyset page, oldest first. Pulled by the stream it is piped
 * into, so the next page is read only when the client has taken the last one: a 100,000-attempt campaign is never
 * held in memory, and a client that goes away stops the reads.
 */
export async function* attemptsCsv(
  db: Queryable,
  scope: ExportScope,
  progress: ExportProgress = { rows: 0 },
  pageRows = EXPORT_PAGE_ROWS,
): AsyncGenerator<string> {
  yield UTF8_BOM + csvRow(EXPORT_COLUMNS.map((c) => c.header));
  let after: { at: string; id: string } = EXPORT_START;
  for (;;) {
    const rows = await queryRows(db, EXPORT_PAGE, [
      scope.campaignId,
      scope.portalId,
      scope.outcome,
      after.at,
      after.id,
      pageRows,
    ]);
    const last = rows.at(-1);
    if (!last) return;
    let chunk = '';
    for (const row of rows) {
      const attempt = toAttemptView(row);
      chunk += csvRow(EXPORT_COLUMNS.map((c) => c.cell(attempt)));
    }
    progress.rows += rows.length;
    yield chunk;
    if (rows.length < pageRows) return;
    after = { at: last.key_at, id: last.attempt_id };
  }
}
