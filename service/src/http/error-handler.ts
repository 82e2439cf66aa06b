import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { AppError } from '../core/app-error.js';

export interface ErrorBody {
  error: { code: string; message: string; field?: string; issues?: { path: string; message: string }[] };
  requestId: string;
}

/** Unknown routes get JSON, like everything else the API says. */
export const notFoundHandler: RequestHandler = (req, res) => {
  const body: ErrorBody = {
    error: { code: 'not_found', message: `no route for ${req.method} ${req.path}` },
    requestId: req.id,
  };
  res.status(404).json(body);
};

/**
 * Maps every error to a JSON body. Input problems (zod, malformed JSON, AppError 4xx) name the field at fault;
 * anything else is a 500 with the request id to quote to support, and never a stack trace.
 */
export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  const requestId = req.id;
  if (err instanceof ZodError) {
    // An issue with no path is about the body as a whole (missing, or not an object): name it `body`.
    const issues = err.issues.map((i) => ({ path: formatPath(i.path) || 'body', message: i.message }));
    const first = issues[0] ?? { path: 'body', message: 'invalid input' };
    const body: ErrorBody = {
      error: {
        code: 'invalid_request',
        message: first.path ? `${first.path}: ${first.message}` : first.message,
        field: first.path,
        issues,
      },
      requestId,
    };
    res.status(400).json(body);
    return;
  }
  if (err instanceof AppError) {
    if (err.status >= 500) req.log.error({ err }, 'request failed');
    const body: ErrorBody = { error: { code: err.code, message: err.message }, requestId };
    if (err.field !== undefined) body.error.field = err.field;
    res.status(err.status).json(body);
    return;
  }
  if (isMalformedPathParam(err)) {
    // Express could not %-decode a route parameter (`/api/campaigns/%zz`): the client's URL is at fault.
    const message = 'path: malformed %-encoding (expected %XX escapes of UTF-8 bytes)';
    res
      .status(400)
      .json({ error: { code: 'invalid_request', message, field: 'path' }, requestId } satisfies ErrorBody);
    return;
  }
  const unreadable = bodyReadError(err);
  if (unreadable) {
    const message = BODY_READ_MESSAGES[unreadable.type] ?? 'body: could not be read';
    res
      .status(unreadable.status)
      .json({ error: { code: 'invalid_request', message, field: 'body' }, requestId } satisfies ErrorBody);
    return;
  }
  req.log.error({ err }, 'unhandled error');
  res
    .status(500)
    .json({ error: { code: 'internal', message: 'internal error' }, requestId } satisfies ErrorBody);
};

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
    .join('.')
    .replace(/\.\[/g, '[');
}

/** Fixed words for body-parser's error types (its own messages echo what the client sent, e.g. the charset). */
const BODY_READ_MESSAGES: Readonly<Record<string, string>> = {
  'entity.parse.failed': 'body: malformed JSON',
  'entity.too.large': 'body: payload too large',
  'charset.unsupported': 'body: unsupported charset (expected UTF-8)',
  'encoding.unsupported': 'body: unsupported Content-Encoding',
};

/**
 * An error reading the body that is the client's doing: body-parser's and raw-body's (http-errors with a 4xx status:
 * malformed JSON, too large, an unsupported charset or Content-Encoding, bytes that do not inflate, a length that
 * does not match). Their own status stands; anything else unexpected stays a 500.
 */
function bodyReadError(err: unknown): { status: number; type: string } | null {
  if (typeof err !== 'object' || err === null) return null;
  const { status, type, expose } = err as { status?: unknown; type?: unknown; expose?: unknown };
  if (typeof status !== 'number' || status < 400 || status > 499) return null;
  // A decompression failure carries no type, only http-errors' mark of an error safe to show the client.
  if (typeof type !== 'string' && expose !== true) return null;
  return { status, type: typeof type === 'string' ? type : '' };
}

/** The router's own error for a route parameter decodeURIComponent refuses: a URIError it marks 400. */
function isMalformedPathParam(err: unknown): boolean {
  return err instanceof URIError && (err as URIError & { status?: unknown }).status === 400;
}
