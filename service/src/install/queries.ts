import { sql } from '../db/statement.js';

/** SQL of the install flow and of connecting and disconnecting portals. */

/** A `state` handed out by /oauth/install. */
export const INSERT_STATE = sql<never, [state: string, createdAt: Date, expiresAt: Date]>(
  'INSERT INTO oauth_states (state, created_at, expires_at) VALUES ($1, $2, $3)',
);

/** Housekeeping at each install: states nobody came back with. */
export const DELETE_STALE_STATES = sql<never, [before: Date]>(
  'DELETE FROM oauth_states WHERE expires_at < $1',
);

/** Uses a state up: of two callbacks with the same state, only one gets the row. */
export const CONSUME_STATE = sql<{ expires_at: Date }, [state: string]>(
  'DELETE FROM oauth_states WHERE state = $1 RETURNING expires_at',
);

/**
 * After an install: connected, any disconnect reason cleared (campaigns paused by it stay paused for a person to
 * resume), the installing user and the account's domain as its name when it has none.
 */
export const MARK_CONNECTED = sql<
  never,
  [portalId: number, at: Date, installedByUserId: number | null, accountName: string | null]
>(`UPDATE portals
      SET status = 'connected', status_reason = NULL,
          status_changed_at = CASE WHEN status = 'connected' THEN status_changed_at ELSE $2 END,
          installed_by_user_id = COALESCE($3, installed_by_user_id),
          name = CASE WHEN name = '' THEN COALESCE($4, '') ELSE name END,
          updated_at = $2
    WHERE portal_id = $1`);

/** Disconnects a connected portal; one already disconnected keeps its first reason and time. */
export const MARK_DISCONNECTED = sql<never, [portalId: number, reason: string, at: Date]>(
  `UPDATE portals SET status = 'disconnected', status_reason = $2, status_changed_at = $3, updated_at = $3
    WHERE portal_id = $1 AND status = 'connected'`,
);

export const ACTIVE_CAMPAIGNS = sql<{ id: string }, [portalId: number]>(
  `SELECT id FROM campaigns WHERE portal_id = $1 AND status = 'active' ORDER BY created_at`,
);

/** What the first-time setup needs to know of a portal; scopes are those its install granted (none: not OAuth). */
export const PORTAL_FOR_SETUP = sql<
  { status: string; app_events_event_type: string | null; scopes: string[] | null },
  [portalId: number]
>(`SELECT p.status, p.app_events_event_type, c.scopes
     FROM portals p LEFT JOIN portal_credentials c USING (portal_id)
    WHERE p.portal_id = $1`);

export const MARK_SET_UP = sql<never, [portalId: number, at: Date]>(
  'UPDATE portals SET crm_setup_at = $2, updated_at = $2 WHERE portal_id = $1',
);
