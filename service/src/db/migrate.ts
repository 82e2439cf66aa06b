import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { Logger } from '../logger.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url));

/** Any constant works; it only has to be the same for every process that migrates this database. */
const MIGRATION_LOCK_ID = 7_405_311_001;

export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

/** Reads `NNNN_name.sql` files in order. Numbers must be unique and start at 1 without gaps. */
export async function readMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!match) throw new Error(`migration file ${file} must be named NNNN_snake_case_name.sql`);
    const id = Number(match[1]);
    if (id !== migrations.length + 1)
      throw new Error(`migration ${file} is out of sequence: expected ${migrations.length + 1}`);
    const sql = await readFile(path.join(dir, file), 'utf8');
    migrations.push({
      id,
      name: match[2] ?? '',
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    });
  }
  return migrations;
}

/**
 * Applies pending migrations forward-only, each in its own transaction, recorded in `app_migrations`.
 * An advisory lock serialises concurrent starters: the second waits, then finds nothing to do.
 * A migration that was edited after it ran is refused, since the database no longer matches the file.
 */
export async function migrate(
  pool: pg.Pool,
  logger: Logger,
  dir: string = MIGRATIONS_DIR,
): Promise<{ applied: Migration[] }> {
  const migrations = await readMigrations(dir);
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    await client.query(`
      CREATE TABLE IF NOT EXISTS app_migrations (
        id integer PRIMARY KEY,
        name text NOT NULL,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const { rows } = await client.query<{ id: number; name: string; checksum: string }>(
      'SELECT id, name, checksum FROM app_migrations ORDER BY id',
    );
    const done = new Map(rows.map((r) => [r.id, r]));
    for (const row of rows) {
      const file = migrations.find((m) => m.id === row.id);
      if (!file)
        throw new Error(
          `database has migration ${row.id} (${row.name}) that is not in ${dir}: newer code ran here`,
        );
      if (file.checksum !== row.checksum) {
        throw new Error(
          `migration ${row.id} (${row.name}) changed after it was applied; add a new migration instead`,
        );
      }
    }
    const applied: Migration[] = [];
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO app_migrations (id, name, checksum) VALUES ($1, $2, $3)', [
          m.id,
          m.name,
          m.checksum,
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${m.id} (${m.name}) failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
      logger.info({ migration: m.id, name: m.name }, 'migration applied');
      applied.push(m);
    }
    return { applied };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => {});
    client.release();
  }
}
