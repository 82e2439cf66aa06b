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
import { sendAttemptsCsv } from './csv-response.js';
import { campaignIdOf, parseQuery } from './parse-input.js';
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
    await sendAttemptsCsv(deps.pool, req, res, {
      name: campaign.name,
      portalId: campaign.portalId,
      campaignId: campaign.id,
      outcome: query.outcome ?? null,
    });
  });

  return router;
}
