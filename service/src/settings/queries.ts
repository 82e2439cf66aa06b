import { sql } from '../db/statement.js';

/** SQL of the settings page: the portal's connection and its saved campaign defaults. Times come in as parameters. */

/** The calling portal's connection (the signed API only lets connected portals through). */
export const PORTAL_CONNECTION = sql<{ status: string; status_reason: string | null }, [portalId: number]>(
  'SELECT status, status_reason FROM portals WHERE portal_id = $1',
);

export const LOAD_PORTAL_DEFAULTS = sql<
  { defaults: unknown; updated_by_user_id: string | null; updated_at: Date },
  [portalId: number]
>('SELECT defaults, updated_by_user_id, updated_at FROM portal_settings WHERE portal_id = $1');

/** Saves the whole set of defaults (the page edits them all at once): last write wins. */
export const SAVE_PORTAL_DEFAULTS = sql<
  Record<string, never>,
  [portalId: number, defaults: string, userId: number | null, at: Date]
>(`
  INSERT INTO portal_settings (portal_id, defaults, updated_by_user_id, updated_at)
  VALUES ($1, $2::jsonb, $3, $4)
  ON CONFLICT (portal_id) DO UPDATE
    SET defaults = EXCLUDED.defaults, updated_by_user_id = EXCLUDED.updated_by_user_id, updated_at = EXCLUDED.updated_at
`);
