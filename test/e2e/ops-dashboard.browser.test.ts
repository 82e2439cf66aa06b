import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from '../../service/src/jobs/queues.js';
import { type RunningService, startService } from '../../service/src/runtime.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { recentLogs } from '../helpers/recent-logs.js';
import { sandboxTestConfig } from '../helpers/sandbox-service.js';
import { waitUntil } from '../helpers/wait.js';

/**
 * The job dashboard in a real browser: Debian's chromium driven by playwright-core (no browser download), against
 * a sandbox service. A missing chromium fails this file (it never skips): install it with
 * `apt-get install -y chromium`, as .ci/run does.
 */

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = path.resolve(import.meta.dirname, '../../test-artifacts/ops-jobs.png');
/** Every wait is on something observable; this only bounds it, generously (two loaded cores). */
const WAIT_MS = 60_000;
/** A write-back whose retries are spent: failed in its queue, its copy in the dead-letter queue. */
const QUEUE = 'crm-writeback';
const DEAD_LETTERS = 'crm-writeback-dead';

/** Said by every test when the browser is missing: each fails with it (none is skipped). */
const MISSING_BROWSER = existsSync(CHROMIUM)
  ? null
  : `${CHROMIUM} is missing: this test drives Debian's chromium through playwright-core and downloads no ` +
    'browser. Install it: apt-get install -y chromium';

let browser: Browser | undefined;
let db: TestDatabase | undefined;
let service: RunningService;
const logs = recentLogs('warn');

beforeAll(async () => {
  if (MISSING_BROWSER !== null) return;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    timeout: WAIT_MS,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  db = await createTestDatabase();
  // Sandbox mode: the ops login is generated at start-up, as `npm start` prints it.
  service = await startService({
    config: sandboxTestConfig(db),
    logger: logs.logger,
    startDispatcher: false,
  });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await service?.stop();
  await db?.drop();
});

/** A browser context of its own, logged in as ops (or not), whose waits are bounded by WAIT_MS. */
async function openPage(login: boolean): Promise<{ context: BrowserContext; page: Page }> {
  if (browser === undefined) throw new Error(MISSING_BROWSER ?? 'the browser did not start');
  const credentials = service.ops.credentials;
  if (credentials === null) throw new Error('a sandbox service has an ops login');
  const context = await browser.newContext(
    login
      ? {
          httpCredentials: {
            username: credentials.user,
            password: credentials.password,
            origin: new URL(service.url).origin,
          },
        }
      : {},
  );
  context.setDefaultTimeout(WAIT_MS);
  context.setDefaultNavigationTimeout(WAIT_MS);
  return { context, page: await context.newPage() };
}

/** Runs `steps` in a logged-in page; a failure carries the service's warnings, and the page is always closed. */
async function inLoggedInPage(steps: (page: Page) => Promise<void>): Promise<void> {
  const { context, page } = await openPage(true);
  try {
    await steps(page);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${logs.lines().join('\n')}`, { cause: error });
  } finally {
    await context.close();
  }
}

/** React has hydrated the server-rendered element: it carries React's props, so a click reaches a handler. */
async function hydrated(page: Page, selector: string): Promise<void> {
  await page.waitForFunction(
    (sel) => {
      // Runs in the page; typed here without the DOM library (this project compiles for Node).
      const { document } = globalThis as unknown as { document: { querySelector(s: string): object | null } };
      const element = document.querySelector(sel);
      return element !== null && Object.keys(element).some((key) => key.startsWith('__reactProps$'));
    },
    selector,
    { timeout: WAIT_MS },
  );
}

/**
 * Sent held back an hour, so the service's own write-back worker never picks it up (a fetch here would race
 * it), then failed through pg-boss with no retries left: `failed`, and dead-lettered.
 */
async function deadLetteredWriteback(portalId: number): Promise<{ id: string; deadLetterId: string }> {
  const id = await service.boss.send(
    QUEUE,
    { portalId },
    { singletonKey: String(portalId), retryLimit: 0, startAfter: 3600 },
  );
  if (id === null) throw new Error('pg-boss refused the job');
  await service.boss.fail(QUEUE, id, { message: 'HubSpot answered 403: missing scope' });
  const copy = await service.pool.query<{ id: string }>(
    'SELECT id FROM pgboss.job WHERE name = $1 AND source_id = $2',
    [DEAD_LETTERS, id],
  );
  const deadLetterId = copy.rows[0]?.id;
  if (deadLetterId === undefined) throw new Error(`job ${id} was not dead-lettered to ${DEAD_LETTERS}`);
  return { id, deadLetterId };
}

/** Opens the queue's jobs in `state` and picks `action` in the job's row menu; answers the row. */
async function pickJobAction(page: Page, id: string, state: string, action: string) {
  await page.goto(`${service.url}/ops/jobs/queues/${QUEUE}?state=${state}`);
  const row = page.getByRole('row').filter({ hasText: id });
  await row.waitFor();
  await hydrated(page, '[aria-label="Job actions"]');
  await row.getByRole('button', { name: 'Job actions' }).click();
  await page.getByRole('menuitem', { name: action, exact: true }).click();
  return row;
}

const stateOf = async (id: string) => (await service.boss.getJobById(QUEUE, id))?.state;

describe('the job dashboard in a browser', () => {
  it('answers 401 to a browser without the ops login', async () => {
    const { context, page } = await openPage(false);
    try {
      const target = `${service.url}/ops/jobs`;
      const answered = page.waitForResponse((r) => r.url() === target);
      // With no credentials to offer to the Basic challenge, Chromium ends the navigation with an auth error;
      // the answer it got is the one observed.
      const navigation = await page.goto(target).catch((error: unknown) => error);
      expect(String(navigation)).toContain('ERR_INVALID_AUTH_CREDENTIALS');
      const response = await answered;
      expect(response.status()).toBe(401);
      expect(response.headers()['www-authenticate']).toMatch(/^Basic realm="ops"/);
    } finally {
      await context.close();
    }
  }, 180_000);

  it("renders with the login and lists every one of the product's queues", async () => {
    await inLoggedInPage(async (page) => {
      const response = await page.goto(`${service.url}/ops/jobs/queues`);
      expect(response?.status()).toBe(200);
      expect(await page.title()).toBe('pg-boss Dashboard');
      for (const queue of QUEUES) {
        await page.getByRole('link', { name: queue.name, exact: true }).first().waitFor();
      }
    });
  }, 180_000);

  it('shows a dead-lettered write-back and retries it from its queue page, by clicking', async () => {
    await inLoggedInPage(async (page) => {
      const { id, deadLetterId } = await deadLetteredWriteback(9_900_101);
      expect(await stateOf(id)).toBe('failed');
      // The dead letter is listed in the dead-letter queue...
      await page.goto(`${service.url}/ops/jobs/queues/${DEAD_LETTERS}`);
      await page.getByRole('row').filter({ hasText: deadLetterId }).waitFor();

      // ...and its failed original is retried from its own queue's failed jobs: the row's menu, then Retry.
      const row = await pickJobAction(page, id, 'failed', 'Retry');
      // The page reloads its data after the action: the job leaves the failed list.
      await row.waitFor({ state: 'detached' });
      await waitUntil(async () => (await stateOf(id)) !== 'failed', {
        timeoutMs: WAIT_MS,
        intervalMs: 200,
        what: `job ${id} to leave the failed state`,
      });
      expect(await stateOf(id)).toBe('retry');

      await page.goto(`${service.url}/ops/jobs/queues/${QUEUE}?state=retry`);
      await page.getByRole('row').filter({ hasText: id }).waitFor();
      mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    });
  }, 240_000);

  it('cancels a waiting job from its queue page, by clicking', async () => {
    await inLoggedInPage(async (page) => {
      const portalId = 9_900_102;
      const id = await service.boss.send(
        QUEUE,
        { portalId },
        { singletonKey: String(portalId), startAfter: 3600 },
      );
      if (id === null) throw new Error('pg-boss refused the job');
      await pickJobAction(page, id, 'created', 'Cancel');
      // Some actions ask to confirm.
      const confirm = page.getByRole('dialog').getByRole('button', { name: /cancel job|confirm/i });
      if (await confirm.isVisible().catch(() => false)) await confirm.click();
      await waitUntil(async () => (await stateOf(id)) === 'cancelled', {
        timeoutMs: WAIT_MS,
        intervalMs: 200,
        what: `job ${id} to be cancelled`,
      });
    });
  }, 240_000);

  it('redrives the dead letters back to their queue from /ops/dead-letters, by clicking', async () => {
    await inLoggedInPage(async (page) => {
      const { id, deadLetterId } = await deadLetteredWriteback(9_900_103);
      await page.goto(`${service.url}/ops/dead-letters`);
      const waiting = page.locator(`td[data-queue="${DEAD_LETTERS}"]`);
      expect(Number(await waiting.textContent())).toBeGreaterThanOrEqual(1);
      await page.getByRole('button', { name: `Redrive to ${QUEUE}` }).click();
      await page
        .getByRole('status')
        .filter({ hasText: /Moved \d+ jobs? back/ })
        .waitFor();
      expect(await waiting.textContent()).toBe('0');
      // The copy left the dead-letter queue and a new job for the same portal is in the write-back queue again.
      // Its state is not asserted: the service's own write-back worker may already have taken it.
      const left = await service.pool.query('SELECT 1 FROM pgboss.job WHERE id = $1', [deadLetterId]);
      expect(left.rowCount).toBe(0);
      const back = await service.pool.query<{ state: string }>(
        `SELECT state FROM pgboss.job WHERE name = $1 AND data->>'portalId' = '9900103' AND id <> $2`,
        [QUEUE, id],
      );
      expect(back.rowCount).toBe(1);
    });
  }, 240_000);
});
