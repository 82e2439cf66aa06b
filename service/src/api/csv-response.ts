import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import type { Queryable } from '../db/pool.js';
import { attachmentDisposition } from './csv.js';
import { attemptsCsv, type ExportProgress, type ExportScope } from './results-export.js';

/**
 * Sends a campaign's attempts as a CSV download, streamed page by page: the one implementation behind the signed
 * GET /api/campaigns/:id/export.csv and the signed-link GET /exports/:id.csv.
 */
export async function sendAttemptsCsv(
  db: Queryable,
  req: Request,
  res: Response,
  campaign: { readonly name: string } & ExportScope,
): Promise<void> {
  const log = req.log.child({ portalId: campaign.portalId, campaignId: campaign.campaignId });
  const progress: ExportProgress = { rows: 0 };
  const started = performance.now();
  res.status(200).set({
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': attachmentDisposition(`${campaign.name} results.csv`),
    // Donors' numbers and pledges: no cache keeps a copy.
    'Cache-Control': 'no-store',
  });
  // Express answers HEAD with the GET route: the headers say what a download would be, without reading it.
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const scope = { portalId: campaign.portalId, campaignId: campaign.campaignId, outcome: campaign.outcome };
  try {
    // pipeline respects backpressure (the next page is read once the socket drained) and stops reading when
    // the client goes away.
    await pipeline(Readable.from(attemptsCsv(db, scope, progress), { objectMode: false }), res);
    log.info({ rows: progress.rows, ms: Math.round(performance.now() - started) }, 'results exported');
  } catch (error) {
    // The status line is gone: all that can be said now is a cut-off response, which the client sees as one.
    log.warn({ err: error, rows: progress.rows }, 'results export stopped before the end');
  }
}
