import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../../test/helpers/database.js';
import { migrate, readMigrations } from '../../src/db/migrate.js';
import { createPool } from '../../src/db/pool.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ empty: true });
});
afterAll(async () => {
  await db.drop();
});

async function tempMigrations(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'migrations-'));
  for (const [name, sql] of Object.entries(files)) await writeFile(path.join(dir, name), sql);
  return dir;
}

describe('migrations', () => {
  it('migrates a fresh database, and a second run changes nothing', async () => {
    const all = await readMigrations();
    const first = await migrate(db.pool, silentLogger);
    expect(first.applied.map((m) => m.id)).toEqual(all.map((m) => m.id));
    const tables = await db.pool.query(
      "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public'",
    );
    const second = await migrate(db.pool, silentLogger);
    expect(second.applied).toEqual([]);
    const after = await db.pool.query(
      "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public'",
    );
    expect(after.rows[0].n).toBe(tables.rows[0].n);
    const recorded = await db.pool.query('SELECT id FROM app_migrations ORDER BY id');
    expect(recorded.rows.map((r) => r.id)).toEqual(all.map((m) => m.id));
  });

  it('applies each migration once when two processes migrate at the same time', async () => {
    const scratch = await createTestDatabase({ empty: true });
    // CREATE TABLE is not idempotent: a second application would fail the loser, and the sleep widens the race.
    const dir = await tempMigrations({
      '0001_first.sql': 'SELECT pg_sleep(0.3); CREATE TABLE race_one (id int);',
      '0002_second.sql': 'CREATE TABLE race_two (id int); INSERT INTO race_two VALUES (1);',
    });
    const poolA = createPool(scratch.url, silentLogger, 2);
    const poolB = createPool(scratch.url, silentLogger, 2);
    try {
      const [a, b] = await Promise.all([
        migrate(poolA, silentLogger, dir),
        migrate(poolB, silentLogger, dir),
      ]);
      expect(a.applied.length + b.applied.length).toBe(2);
      const rows = await scratch.pool.query('SELECT count(*) AS n FROM race_two');
      expect(rows.rows[0].n).toBe(1);
    } finally {
      await poolA.end();
      await poolB.end();
      await scratch.drop();
    }
  });

  it('rolls back a failing migration entirely and records nothing', async () => {
    const scratch = await createTestDatabase({ empty: true });
    const dir = await tempMigrations({
      '0001_broken.sql': 'CREATE TABLE half (id int); SELECT no_such_function();',
    });
    try {
      await expect(migrate(scratch.pool, silentLogger, dir)).rejects.toThrow(/migration 1 \(broken\) failed/);
      const half = await scratch.pool.query("SELECT to_regclass('public.half') AS t");
      expect(half.rows[0].t).toBeNull();
      const recorded = await scratch.pool.query('SELECT count(*) AS n FROM app_migrations');
      expect(recorded.rows[0].n).toBe(0);
    } finally {
      await scratch.drop();
    }
  });

  it('refuses to run when an applied migration was edited', async () => {
    const scratch = await createTestDatabase({ empty: true });
    const dir = await tempMigrations({ '0001_one.sql': 'CREATE TABLE one (id int);' });
    try {
      await migrate(scratch.pool, silentLogger, dir);
      await writeFile(path.join(dir, '0001_one.sql'), 'CREATE TABLE one (id bigint);');
      await expect(migrate(scratch.pool, silentLogger, dir)).rejects.toThrow(/changed after it was applied/);
    } finally {
      await scratch.drop();
    }
  });

  it('rejects badly named or out-of-sequence files', async () => {
    await expect(readMigrations(await tempMigrations({ '0002_gap.sql': 'SELECT 1' }))).rejects.toThrow(
      /out of sequence/,
    );
    await expect(readMigrations(await tempMigrations({ 'one.sql': 'SELECT 1' }))).rejects.toThrow(
      /must be named/,
    );
  });
});
