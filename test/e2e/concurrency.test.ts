import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { runAtProviderLimit } from '../helpers/provider-limit-run.js';

/**
 * The engine against a provider whose concurrency limit equals the account cap. What must hold on any machine is
 * checked here: never over the limit, never a 429, one call per person. How full it keeps the lines is a figure
 * that depends on how busy the machine is: `npm run bench -- provider-limit` measures it.
 */

const CONTACTS = Number(process.env.E2E_CONTACTS ?? 400);
const LIMIT = 20;

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

describe('concurrency against the provider limit', () => {
  it(`never has more than ${LIMIT} calls in flight nor gets a 429, and calls each person once`, async () => {
    const run = await runAtProviderLimit(db, { contacts: CONTACTS, limit: LIMIT, timeScale: 0.03 });
    expect(run.maxConcurrent).toBeLessThanOrEqual(LIMIT);
    // It did reach the limit: the cap, not a slow dispatcher, is what held it.
    expect(run.maxConcurrent).toBe(LIMIT);
    expect(run.rejectedAtCapacity).toBe(0);
    // One call per person: each number dialled once, since each was dialled to a final outcome.
    expect(run.dialledNumbers.length).toBeGreaterThan(CONTACTS * 0.9);
    expect(new Set(run.dialledNumbers).size).toBe(run.dialledNumbers.length);
  }, 600_000);
});
