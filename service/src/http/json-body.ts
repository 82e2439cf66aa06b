import express, { type RequestHandler } from 'express';
import { AppError } from '../core/app-error.js';
import { nulCharacterPath } from '../core/json-text.js';

/**
 * JSON request bodies, read strictly: UTF-8 (RFC 8259), JSON, and no NUL character in any string or key. Each
 * failure is a 400 naming the field. Used behind HubSpot's signature check (over the raw bytes) and by the ops
 * routes that take a body.
 */

// Decoding leniently would turn bytes that are not UTF-8 into U+FFFD and store the mangled text as if the caller had
// sent it; a leading BOM is kept (and refused by JSON.parse).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The parsed body, or undefined for an empty one. `arrayBodyName` names a JSON array body in a 400's field. */
export function parseJsonBody(raw: Buffer, arrayBodyName = 'body'): unknown {
  if (raw.length === 0) return undefined;
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw AppError.badRequest('body', 'not valid UTF-8');
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw AppError.badRequest('body', 'malformed JSON');
  }
  // Postgres text and jsonb cannot hold U+0000: a string with one would fail the write (a 500) or the lookup.
  // JSON can only carry it as a \u0000 escape, so the tree is searched only when the text has one.
  const at = text.includes('\\u0000') ? nulCharacterPath(body) : null;
  if (at !== null) {
    const field = at === '' ? 'body' : at.startsWith('[') ? `${arrayBodyName}${at}` : at;
    throw AppError.badRequest(field, 'expected text without NUL characters (\\u0000)');
  }
  return body;
}

/**
 * express.json's place for a route: a body sent as application/json is read as parseJsonBody reads it (anything
 * else is left unread: req.body stays undefined, as with express.json).
 */
export function jsonBody(options: { readonly limit: string | number }): RequestHandler[] {
  const raw = express.raw({ type: 'application/json', limit: options.limit });
  const parse: RequestHandler = (req, _res, next) => {
    req.body = Buffer.isBuffer(req.body) ? parseJsonBody(req.body) : undefined;
    next();
  };
  return [raw, parse];
}
