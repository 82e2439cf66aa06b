import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminQuery,
  createTestDatabase,
  silentLogger,
  type TestDatabase,
} from '../../../test/helpers/database.js';
import { loadConfig } from '../../src/config/config.js';
import { type RunningService, startService } from '../../src/runtime.js';

let db: TestDatabase;
let service: RunningService;

beforeAll(async () => {
  db = await createTestDatabase();
  service = await startService({
    config: loadConfig({ DATABASE_URL: db.url, PORT: '0', SHUTDOWN_TIMEOUT_SECONDS: '2' }),
    logger: silentLogger,
  });
});
afterAll(async () => {
  await service.stop();
  await db.drop();
});

describe('health and readiness probes', () => {
  it('reports alive and ready once migrations ran and pg-boss started', async () => {
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${service.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { database: 'ok', jobs: 'ok' },
      // Shown, never failing readiness: whether dialling runs (safety/dialling-switch.ts).
      dialling: 'running',
    });
    const migrated = await db.pool.query('SELECT count(*) AS n FROM app_migrations');
    expect(migrated.rows[0].n).toBeGreaterThan(0);
  });

  it('answers /readyz with 503 when the database is gone, while /healthz stays 200', async () => {
    await adminQuery(`DROP DATABASE ${db.name} WITH (FORCE)`);
    const ready = await fetch(`${service.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: Record<string, string> }).checks.database).toBe('failing');
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
  });
});
