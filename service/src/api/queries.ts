import { sql } from '../db/statement.js';

/** SQL of the signed API's own checks. */

/** Whether a portal is served, and whether it is still connected. */
export const PORTAL_STATUS = sql<{ status: string; status_reason: string | null }, [portalId: number]>(
  'SELECT status, status_reason FROM portals WHERE portal_id = $1',
);
