import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import express, {
  type Request as ExpressRequest,
  type Response as ExpressResponse,
  type RequestHandler,
} from 'express';
import type { Logger } from '../logger.js';

/** A handler in the Fetch style (Hono, React Router, the pg-boss dashboard): a `Request` in, a `Response` out. */
export type FetchHandler = (request: Request) => Promise<Response>;

export interface FetchBridgeOptions {
  /** The largest request body passed on; larger ones get 413. */
  readonly maxBodyBytes: number;
  /** Request headers (lower case) the handler must not see, besides hop-by-hop ones. */
  readonly dropRequestHeaders?: readonly string[];
  readonly logger: Logger;
}

/**
 * Request headers never passed on: hop-by-hop ones describe our connection with the client; the host is in the
 * URL; length and encoding are those of the body as it arrived, which is passed on read (and decoded).
 */
const HOP_BY_HOP = [
  'connection',
  'content-encoding',
  'content-length',
  'expect',
  'host',
  'keep-alive',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

/**
 * Express middleware answering with a Fetch-style handler: the Express request becomes a Fetch `Request` (method,
 * the full URL, headers, the raw body) and the `Response` is streamed back (status, headers with each Set-Cookie
 * on its own line, body). `handler` is called per request, so it may be created lazily.
 */
export function fetchBridge(handler: () => FetchHandler, options: FetchBridgeOptions): RequestHandler {
  const dropped = new Set([...HOP_BY_HOP, ...(options.dropRequestHeaders ?? [])]);
  const rawBody = express.raw({ type: () => true, limit: options.maxBodyBytes });
  return (req, res, next) => {
    rawBody(req, res, (err?: unknown) => {
      if (err) return next(err);
      Promise.resolve()
        .then(async () => {
          const response = await handler()(toFetchRequest(req, dropped));
          await sendFetchResponse(response, req, res, options.logger);
        })
        .catch(next);
    });
  };
}

export function toFetchRequest(req: ExpressRequest, dropped: ReadonlySet<string>): Request {
  const withBody = req.method !== 'GET' && req.method !== 'HEAD';
  // A parser mounted before this one already read the stream: passing the request on without its body would
  // turn every form action into an empty one, silently.
  if (withBody && req.body !== undefined && !Buffer.isBuffer(req.body)) {
    throw new Error(
      `fetch bridge: the body of ${req.method} ${req.path} was already parsed by an earlier router`,
    );
  }
  // req.protocol and req.host follow X-Forwarded-* from a trusted (loopback) proxy only: see http/app.ts.
  const url = `${req.protocol}://${req.get('host') ?? 'localhost'}${req.originalUrl}`;
  const headers = new Headers();
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (dropped.has(name) || values === undefined) continue;
    for (const value of values) headers.append(name, value);
  }
  const body = withBody && Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : undefined;
  return new Request(url, { method: req.method, headers, ...(body ? { body } : {}) });
}

export async function sendFetchResponse(
  response: Response,
  req: ExpressRequest,
  res: ExpressResponse,
  logger: Logger,
): Promise<void> {
  res.status(response.status);
  if (response.statusText) res.statusMessage = response.statusText;
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value);
  });
  // Headers.forEach joins several Set-Cookie into one line, which a browser cannot split: one line each.
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  if (response.body === null || req.method === 'HEAD') {
    await response.body?.cancel();
    res.end();
    return;
  }
  try {
    // Streamed as it is produced (a React page renders in chunks); a client that goes away cancels it.
    await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), res);
  } catch (err) {
    // The status and headers are out, so no error page can follow: the connection is cut, the log says why (a
    // client that left mid-page is routine, not a warning).
    const clientLeft = (err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE';
    logger[clientLeft ? 'debug' : 'warn'](
      { err, path: req.originalUrl.split('?')[0] },
      'fetch bridge: response cut short',
    );
  }
}
