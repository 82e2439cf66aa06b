import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../../test/helpers/database.js';
import { loadConfig } from '../../src/config/config.js';
import { readOrCreateTokenKey, SANDBOX_TOKEN_KEY_FILE } from '../../src/hubspot/index.js';
import { createIntegrations } from '../../src/integrations.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'token-key-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the sandbox token encryption key file', () => {
  it('is created once, readable by its owner only, and the same key is read back after', async () => {
    const file = path.join(dir, 'a', SANDBOX_TOKEN_KEY_FILE);
    const first = await readOrCreateTokenKey(file);
    expect(first).toHaveLength(32);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readOrCreateTokenKey(file)).equals(first)).toBe(true);
  });

  it('gives processes starting at the same moment the same key', async () => {
    const file = path.join(dir, 'b', SANDBOX_TOKEN_KEY_FILE);
    const keys = await Promise.all(Array.from({ length: 8 }, () => readOrCreateTokenKey(file)));
    expect(new Set(keys.map((k) => k.toString('hex'))).size).toBe(1);
  });

  it('names the file when it does not hold a key', async () => {
    const file = path.join(dir, 'c.key');
    await writeFile(file, 'not a key\n');
    await expect(readOrCreateTokenKey(file)).rejects.toThrow(file);
  });
});

describe('sandbox mode without TOKEN_ENCRYPTION_KEY', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("keeps a generated key under DATA_DIR across starts, and offers the install at the fake's consent page", async () => {
    const dataDir = path.join(dir, 'data');
    const start = () =>
      createIntegrations({
        config: loadConfig({ SANDBOX: 'true', DATA_DIR: dataDir, DATABASE_URL: db.url }),
        pool: db.pool,
        logger: silentLogger,
      });
    const first = await start();
    try {
      expect(first.install?.authorizeUrl).toBe(`${first.sandbox?.hubspot.url}/oauth/authorize`);
      expect(first.install?.clientId).toBe(first.sandbox?.secrets.hubspotClientId);
    } finally {
      await first.stop();
    }
    const key = await readFile(path.join(dataDir, SANDBOX_TOKEN_KEY_FILE), 'utf8');
    const second = await start();
    await second.stop();
    expect(await readFile(path.join(dataDir, SANDBOX_TOKEN_KEY_FILE), 'utf8')).toBe(key);
  });
});
