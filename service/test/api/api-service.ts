import { TUESDAY_AFTERNOON_NY } from '../../../test/helpers/campaign-fixtures.js';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../../test/helpers/database.js';
import { ManualClock } from '../../../test/helpers/engine.js';
import { sandboxTestConfig } from '../../../test/helpers/sandbox-service.js';
import { signedApi } from '../../../test/helpers/signed-api.js';
import { waitUntil } from '../../../test/helpers/wait.js';
import { type RunningService, startService } from '../../src/runtime.js';
import { SECOND_PORTAL_ID } from '../../src/sandbox/index.js';

/**
 * A sandbox service on a fresh database for one /api test file, with the demo portal (A) and a second connected
 * portal (B), each with a signed client, and a valid campaign body for A's 20-donor list.
 */
export interface ApiTestService {
  readonly db: TestDatabase;
  readonly service: RunningService;
  readonly clock: ManualClock;
  readonly portalA: ReturnType<typeof signedApi>;
  readonly portalB: ReturnType<typeof signedApi>;
  readonly portalIdA: number;
  readonly portalIdB: number;
  readonly demo: NonNullable<RunningService['integrations']['sandbox']>['demoPortal'];
  readonly campaignBody: Record<string, unknown>;
  /** Creates a campaign in portal A through the API and waits until its import has finished. */
  createImportedCampaign(body?: Record<string, unknown>): Promise<{ id: string; status: string }>;
  stop(): Promise<void>;
}

let keys = 0;

export async function startApiTestService(): Promise<ApiTestService> {
  const db = await createTestDatabase();
  const clock = new ManualClock(TUESDAY_AFTERNOON_NY);
  const service = await startService({
    config: sandboxTestConfig(db),
    logger: silentLogger,
    clock,
    startDispatcher: false,
  });
  const demo = service.integrations.sandbox!.demoPortal;
  // Portal B is connected too (as if installed), so a 404 on A's objects is about tenancy, not installation.
  await db.pool.query(`INSERT INTO portals (portal_id, auth_kind) VALUES ($1, 'sandbox')`, [
    SECOND_PORTAL_ID,
  ]);
  const portalA = signedApi(service, demo.portalId);
  const campaignBody = {
    name: 'Spring appeal',
    listId: demo.lists.find((l) => l.size === 20)!.listId,
    agentId: demo.agentId,
    phoneNumberId: demo.phoneNumberId,
    window: { days: [1, 2, 3, 4, 5], start: '09:00', end: '20:00' },
  };
  return {
    db,
    service,
    clock,
    portalA,
    portalB: signedApi(service, SECOND_PORTAL_ID),
    portalIdA: demo.portalId,
    portalIdB: SECOND_PORTAL_ID,
    demo,
    campaignBody,
    async createImportedCampaign(body = {}) {
      keys += 1;
      const created = await portalA.post('/api/campaigns', {
        ...campaignBody,
        ...body,
        idempotencyKey: `test-create-${keys}-${Date.now()}`,
      });
      if (created.status !== 201) throw new Error(`create failed: ${JSON.stringify(created.body)}`);
      const id: string = created.body.id;
      let status = '';
      await waitUntil(
        async () => {
          const r = await db.pool.query<{ status: string }>('SELECT status FROM campaigns WHERE id = $1', [
            id,
          ]);
          status = r.rows[0]?.status ?? '';
          return status !== 'importing';
        },
        { timeoutMs: 30_000, what: 'the import' },
      );
      return { id, status };
    },
    async stop() {
      await service.stop();
      await db.drop();
    },
  };
}
