import type { AddressInfo } from 'node:net';
import express, { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { silentLogger } from '../../../test/helpers/database.js';
import { createHttpApp } from '../../src/http/app.js';
import type { ErrorBody } from '../../src/http/error-handler.js';

const errorBody = async (res: Response): Promise<ErrorBody> => (await res.json()) as ErrorBody;

import { AppError } from '../../src/core/app-error.js';

const campaignBody = z.object({
  name: z.string().min(1),
  window: z.object({ start: z.string().regex(/^\d\d:\d\d$/) }),
});

let base = '';
let close: () => void;

beforeAll(async () => {
  const router = Router();
  router.post('/things', express.json(), (req, res) => {
    const body = campaignBody.parse(req.body);
    res.status(201).json(body);
  });
  router.get('/missing', () => {
    throw AppError.notFound('campaign 42');
  });
  router.get('/things/:id', (req, res) => {
    res.json({ id: req.params.id });
  });
  router.get('/boom', async () => {
    throw new Error('secret internals at /srv/app.ts:12');
  });
  const app = createHttpApp({ logger: silentLogger, readiness: [], routers: [router] });
  const server = app.listen(0);
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close());

describe('HTTP error mapping', () => {
  it('answers an invalid body with 400 naming the failing field', async () => {
    const res = await fetch(`${base}/things`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Spring', window: { start: '9am' } }),
    });
    expect(res.status).toBe(400);
    const body = await errorBody(res);
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.field).toBe('window.start');
    expect(body.error.message).toMatch(/^window\.start: /);
    expect(body.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('answers malformed JSON with 400 on the body', async () => {
    const res = await fetch(`${base}/things`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name": ',
    });
    expect(res.status).toBe(400);
    expect((await errorBody(res)).error).toMatchObject({ code: 'invalid_request', field: 'body' });
  });

  it('passes an AppError through with its status and code', async () => {
    const res = await fetch(`${base}/missing`);
    expect(res.status).toBe(404);
    expect((await errorBody(res)).error).toEqual({ code: 'not_found', message: 'campaign 42 not found' });
  });

  it('answers an unexpected error with 500, a request id and no internals', async () => {
    const res = await fetch(`${base}/boom`, { headers: { 'x-request-id': 'req-123' } });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('secret internals');
    expect(text).not.toContain('app.ts');
    expect(JSON.parse(text)).toEqual({
      error: { code: 'internal', message: 'internal error' },
      requestId: 'req-123',
    });
  });

  it('answers a body it cannot read (charset, Content-Encoding, bytes that do not inflate) with a 4xx, not 500', async () => {
    // Found by the fuzz suite (test/fuzz): body-parser's 415s and a failed inflate were 500s, on every route with a
    // body (the signed ones too, before their signature was checked).
    const cases: [Record<string, string>, number, string][] = [
      [
        { 'content-type': 'application/json; charset=latin1' },
        415,
        'body: unsupported charset (expected UTF-8)',
      ],
      [
        { 'content-type': 'application/json', 'content-encoding': 'zz' },
        415,
        'body: unsupported Content-Encoding',
      ],
      [{ 'content-type': 'application/json', 'content-encoding': 'gzip' }, 400, 'body: could not be read'],
    ];
    for (const [headers, status, message] of cases) {
      const res = await fetch(`${base}/things`, { method: 'POST', headers, body: '{"name":"Spring"}' });
      expect({ headers, status: res.status }).toEqual({ headers, status });
      expect((await errorBody(res)).error).toEqual({ code: 'invalid_request', field: 'body', message });
    }
  });

  it('answers a route parameter with malformed %-escapes with 400 on the path, not 500', async () => {
    // Found by the fuzz suite (test/fuzz): `/api/campaigns/%` and `/exports/%zz.csv` were 500s.
    for (const id of ['%', '%zz', '%E0%A4%A', '%C0%AF']) {
      const res = await fetch(`${base}/things/${id}`);
      expect({ id, status: res.status }).toEqual({ id, status: 400 });
      const body = await errorBody(res);
      expect(body.error).toMatchObject({ code: 'invalid_request', field: 'path' });
      // Not the router's own message, which echoes the raw value.
      expect(body.error.message).not.toMatch(/Failed to decode/);
    }
    expect(await (await fetch(`${base}/things/a%20b`)).json()).toEqual({ id: 'a b' });
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await fetch(`${base}/no/such/route`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect((await errorBody(res)).error.code).toBe('not_found');
  });

  it('does not trust a request id that could inject into logs', async () => {
    const res = await fetch(`${base}/missing`, { headers: { 'x-request-id': 'bad id {"level":60}' } });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
