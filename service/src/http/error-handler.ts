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
  if (isBodyParserError(err)) {
    const status = err.status ?? 400;
    const message = err.type === 'entity.too.large' ? 'body: payload too large' : 'body: malformed JSON';
    res
      .status(status)
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

function isBodyParserError(err: unknown): err is { type: string; status?: number } {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as { type?: unknown }).type === 'string' &&
    String((err as { type: string }).type).startsWith('entity.')
  );
}

/** The router's own error for a route parameter decodeURIComponent refuses: a URIError it marks 400. */
function isMalformedPathParam(err: unknown): boolean {
  return err instanceof URIError && (err as URIError & { status?: unknown }).status === 400;
}
