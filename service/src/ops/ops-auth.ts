import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Config } from '../config/config.js';
import { AppError } from '../core/app-error.js';
import type { Logger } from '../logger.js';

/** Who may open /ops/* and /metrics. */
export interface OpsCredentials {
  readonly user: string;
  readonly password: string;
  /** True when start-up generated the password (sandbox mode without OPS_USER/OPS_PASSWORD). */
  readonly generated: boolean;
}

/** The user of a generated sandbox login. */
export const SANDBOX_OPS_USER = 'ops';

/**
 * The ops login from the config: OPS_USER/OPS_PASSWORD when set; in sandbox mode without them a password
 * generated for this run (printed with the sandbox banner, never logged); otherwise null: /ops/* and /metrics are
 * off (404), and one start-up line says why.
 */
export function resolveOpsCredentials(
  config: Pick<Config, 'ops' | 'sandbox'>,
  logger: Logger,
): OpsCredentials | null {
  const { user, password } = config.ops;
  if (user !== undefined && password !== undefined) return { user, password, generated: false };
  if (config.sandbox) {
    return { user: SANDBOX_OPS_USER, password: randomBytes(18).toString('base64url'), generated: true };
  }
  logger.warn(
    { paths: ['/ops/*', '/metrics'] },
    'ops pages, the job dashboard and /metrics are off (404): set OPS_USER and OPS_PASSWORD to enable them',
  );
  return null;
}

export interface OpsAuthOptions {
  readonly credentials: Pick<OpsCredentials, 'user' | 'password'>;
  /** Failed tries per client allowed within `windowMs` before answers slow down. Default 5. */
  readonly freeFailures?: number;
  /** How long failures are remembered. Default 15 minutes. */
  readonly windowMs?: number;
  /** The first lockout after the free failures; doubles with each further failure. Default 1 s. */
  readonly baseDelayMs?: number;
  /** The longest lockout. Default 15 minutes. */
  readonly maxDelayMs?: number;
  /** Injectable for tests (lockouts expire on it). */
  readonly now?: () => number;
  readonly logger?: Logger;
}

/** How many clients' failures are remembered at most; the oldest are forgotten first. */
const MAX_TRACKED_CLIENTS = 10_000;
const REALM = 'Basic realm="ops", charset="UTF-8"';

interface Failures {
  count: number;
  firstAt: number;
  blockedUntil: number;
}

/**
 * HTTP basic auth for the ops surface. Credentials are compared in constant time (SHA-256 digests of both,
 * compared with timingSafeEqual, so neither their content nor their length leaks). Each client IP gets a few
 * free failures per window; after that every failure locks it out for a delay that doubles (1 s, 2 s, 4 s, ...
 * up to 15 min), during which it gets 429 with Retry-After without its credentials being checked at all. A
 * success clears the client's record. No credentials or wrong ones: 401 with `WWW-Authenticate: Basic realm="ops"`.
 */
export function opsAuth(options: OpsAuthOptions): RequestHandler {
  const freeFailures = options.freeFailures ?? 5;
  const windowMs = options.windowMs ?? 15 * 60_000;
  const baseDelayMs = options.baseDelayMs ?? 1_000;
  const maxDelayMs = options.maxDelayMs ?? 15 * 60_000;
  const now = options.now ?? Date.now;
  const expected = digest(`${options.credentials.user}:${options.credentials.password}`);
  const failures = new Map<string, Failures>();

  return (req, res, next) => {
    const client = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const at = now();
    let record = failures.get(client);
    if (record && at - record.firstAt > windowMs && at >= record.blockedUntil) {
      failures.delete(client);
      record = undefined;
    }
    if (record && at < record.blockedUntil) {
      res.setHeader('Retry-After', String(Math.ceil((record.blockedUntil - at) / 1000)));
      next(
        new AppError({
          code: 'too_many_requests',
          status: 429,
          message: 'too many failed ops logins from this address: try again later',
        }),
      );
      return;
    }
    const given = basicCredentials(req.headers.authorization);
    if (given !== null && timingSafeEqual(digest(given), expected)) {
      failures.delete(client);
      // Who passed the login: routes behind it (the dialling switch) record it as who changed something.
      res.locals.opsUser = options.credentials.user;
      next();
      return;
    }
    if (given !== null) {
      // Only wrong credentials count: a browser's first request without any is how the login prompt starts.
      const updated = record ?? { count: 0, firstAt: at, blockedUntil: 0 };
      updated.count += 1;
      if (updated.count > freeFailures) {
        const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(30, updated.count - freeFailures - 1));
        updated.blockedUntil = at + delay;
      }
      failures.delete(client); // re-inserted last: the map's order is least recently failed first
      failures.set(client, updated);
      if (failures.size > MAX_TRACKED_CLIENTS) {
        const oldest = failures.keys().next().value;
        if (oldest !== undefined) failures.delete(oldest);
      }
      options.logger?.warn({ client, failures: updated.count }, 'ops login failed');
    }
    res.setHeader('WWW-Authenticate', REALM);
    next(AppError.unauthorized('ops login required'));
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** "Basic base64(user:password)" → "user:password", or null when absent or malformed. */
function basicCredentials(header: string | undefined): string | null {
  if (header === undefined) return null;
  const match = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header);
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  return decoded.includes(':') ? decoded : null;
}
