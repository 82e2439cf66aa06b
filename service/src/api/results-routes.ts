import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  type AttemptPage,
  attemptsQuerySchema,
  type CampaignStatsView,
  exportQuerySchema,
  type ImportPreview,
} from '@fundraising/shared';
import { type Request, type Response, Router } from 'express';
import { type Campaign, campaignStats, findCampaign } from '../campaigns/index.js';
import { AppError } from '../core/app-error.js';
import { queryRow, queryRows } from '../db/statement.js';
import { callerOf } from '../http/hubspot-signed.js';
import { toAttemptView } from './attempt-view.js';
import type { HubSpotSurfaceContext } from './context.js';
import { attachmentDisposition } from './csv.js';
import { campaignIdOf, parseQuery } from './parse-input.js';
import { attemptsCsv, type ExportProgress } from './results-export.js';
import * as q from './results-queries.js';

/**
 * A campaign's results: what the import found (before launch), its numbers, its attempts (paged, by outcome) and
 * the CSV export of them all. Each route first finds the campaign in the caller's portal: another portal's is a 404.
 */
export function resultRoutes(ctx: HubSpotSurfaceContext): Router {
  const router = Router();
  const { deps } = ctx;

  const campaignOf = async (req: Request, res: Response): Promise<Campaign> => {
    const { portalId } = callerOf(res);
    const campaignId = campaignIdOf(req);
    const campaign = await findCampaign(deps.pool, portalId, campaignId);
    if (!campaign) throw AppError.notFound(`campaign ${campaignId}`);
    return campaign;
  };

  router.get('/api/campaigns/:campaignId/import-preview', async (req, res) => {
    const campaign = await campaignOf(req, res);
    const counts = await queryRow(deps.pool, q.IMPORT_PREVIEW, [campaign.id, campaign.portalId]);
    // Always one row: an aggregate without GROUP BY.
    if (!counts) throw new Error('import preview returned no row');
    const body: ImportPreview = {
      campaignId: campaign.id,
      status: campaign.status,
      complete: campaign.status !== 'draft' && campaign.status !== 'importing',
      import: { total: campaign.importTotal, done: campaign.importDone, error: campaign.importError },
      contacts: counts.contacts,
      eligible: counts.eligible,
      skipped: {
        noPhone: counts.no_phone,
        invalidPhone: counts.invalid_phone,
        duplicate: counts.duplicate_phone,
        doNotCall: counts.suppressed,
        noConsent: counts.no_consent,
        noTimeZone: counts.no_time_zone,
      },
    };
    res.json(body);
  });

  router.get('/api/campaigns/:campaignId/stats', async (req, res) => {
    const campaign = await campaignOf(req, res);
    const stats = await campaignStats(deps.pool, campaign.portalId, campaign.id, ctx.clock.now());
    const body: CampaignStatsView = { campaignId: campaign.id, status: campaign.status, ...stats };
    res.json(body);
  });

  router.get('/api/campaigns/:campaignId/attempts', async (req, res) => {
    const campaign = await campaignOf(req, res);
    const query = parseQuery(attemptsQuerySchema, req.query);
    const scope = [campaign.id, campaign.portalId, query.outcome ?? null] as const;
    const [rows, count] = await Promise.all([
      queryRows(deps.pool, q.ATTEMPTS_PAGE, [...scope, query.offset, query.limit]),
      queryRow(deps.pool, q.COUNT_ATTEMPTS, [...scope]),
    ]);
    const body: AttemptPage = {
      items: rows.map(toAttemptView),
      total: count?.n ?? 0,
      offset: query.offset,
      limit: query.limit,
    };
    res.json(body);
  });

  router.get('/api/campaigns/:campaignId/export.csv', async (req, res) => {
    const campaign = await campaignOf(req, res);
    const query = parseQuery(exportQuerySchema, req.query);
    const log = req.log.child({ portalId: campaign.portalId, campaignId: campaign.id });
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
    const scope = { portalId: campaign.portalId, campaignId: campaign.id, outcome: query.outcome ?? null };
    try {
      // pipeline respects backpressure (the next page is read once the socket drained) and stops reading when
      // the client goes away.
      await pipeline(Readable.from(attemptsCsv(deps.pool, scope, progress), { objectMode: false }), res);
      log.info({ rows: progress.rows, ms: Math.round(performance.now() - started) }, 'results exported');
    } catch (error) {
      // The status line is gone: all that can be said now is a cut-off response, which the client sees as one.
      log.warn({ err: error, rows: progress.rows }, 'results export stopped before the end');
    }
  });

  return router;
}
