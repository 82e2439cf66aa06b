import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import express, { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.js';
import { type FetchHandler, fetchBridge } from '../../src/http/fetch-bridge.js';
import { createLogger } from '../../src/logger.js';

/** What the Fetch handler saw of each request. */
interface Seen {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

const seen: Seen[] = [];
let handler: FetchHandler = async () => new Response('unset');
let server: Server;
let base: string;

beforeAll(async () => {
  const logger = createLogger('silent');
  const bridge = fetchBridge(() => handler, {
    maxBodyBytes: 1024,
    dropRequestHeaders: ['authorization'],
    logger,
  });
  const bridged = Router();
  bridged.use('/bridged', bridge);
  // A router that parses JSON before the bridge: the bridge must refuse rather than pass an empty body on.
  const parsedFirst = Router();
  parsedFirst.use('/parsed-first', express.json(), bridge);
  const app = createHttpApp({ logger, readiness: [], routers: [bridged, parsedFirst] });
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const recording: FetchHandler = async (request) => {
  seen.push({
    method: request.method,
    url: request.url,
    headers: Object.fromEntries(request.headers),
    body: Buffer.from(await request.arrayBuffer()),
  });
  return new Response('ok');
};

describe('the Express to Fetch bridge', () => {
  it('passes the method, the full URL, the headers and the raw body bytes', async () => {
    handler = recording;
    seen.length = 0;
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const res = await fetch(`${base}/bridged/queues/a%20b.data?state=failed&x=1`, {
      method: 'POST',
      headers: {
        'content-type': 'application/octet-stream',
        origin: 'http://127.0.0.1',
        authorization: 'Basic b3BzOnNlY3JldA==',
        'x-extra': 'kept',
      },
      body: bytes,
    });
    expect(res.status).toBe(200);
    const [request] = seen;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe(`${base}/bridged/queues/a%20b.data?state=failed&x=1`);
    expect(request?.body.equals(bytes)).toBe(true);
    expect(request?.headers).toMatchObject({
      'content-type': 'application/octet-stream',
      origin: 'http://127.0.0.1',
      'x-extra': 'kept',
    });
    // The ops login stays with us; hop-by-hop headers describe our connection, not the request.
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.headers.connection).toBeUndefined();
  });

  it('passes a compressed body on decoded, without its encoding', async () => {
    handler = recording;
    seen.length = 0;
    const form = 'intent=retry&jobId=00000000-0000-4000-8000-000000000000';
    await fetch(`${base}/bridged/form`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' },
      body: gzipSync(form),
    });
    expect(seen[0]?.body.toString('utf8')).toBe(form);
    expect(seen[0]?.headers['content-encoding']).toBeUndefined();
  });

  it('refuses a body over the limit with 413, before the handler sees it', async () => {
    handler = recording;
    seen.length = 0;
    const res = await fetch(`${base}/bridged/big`, { method: 'POST', body: 'x'.repeat(2048) });
    expect(res.status).toBe(413);
    expect(seen).toEqual([]);
  });

  it('sends the status, the headers and each Set-Cookie on its own line', async () => {
    handler = async () => {
      const headers = new Headers({ 'content-type': 'text/html', location: '/bridged/elsewhere' });
      headers.append('set-cookie', 'a=1; Path=/; HttpOnly');
      headers.append('set-cookie', 'b=2; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT');
      return new Response('<p>moved</p>', { status: 303, headers });
    };
    const res = await fetch(`${base}/bridged/x`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/bridged/elsewhere');
    expect(res.headers.get('content-type')).toBe('text/html');
    expect(res.headers.getSetCookie()).toEqual([
      'a=1; Path=/; HttpOnly',
      'b=2; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT',
    ]);
    expect(await res.text()).toBe('<p>moved</p>');
  });

  it('streams the body: the client reads the first chunk before the handler has produced the second', async () => {
    let releaseSecond: () => void = () => {};
    const secondMayCome = new Promise<void>((resolve) => {
      releaseSecond = resolve;
    });
    handler = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          async start(controller) {
            controller.enqueue(new TextEncoder().encode('first;'));
            await secondMayCome;
            controller.enqueue(new TextEncoder().encode('second'));
            controller.close();
          },
        }),
      );
    const res = await fetch(`${base}/bridged/stream`);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('first;');
    releaseSecond();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      rest += new TextDecoder().decode(chunk.value);
    }
    expect(rest).toBe('second');
  });

  it('answers HEAD with the headers only', async () => {
    handler = async () => new Response('body', { headers: { 'x-page': 'yes' } });
    const res = await fetch(`${base}/bridged/head`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-page')).toBe('yes');
    expect(await res.text()).toBe('');
  });

  it("maps a handler's failure to the service's 500, and refuses a body another router already parsed", async () => {
    handler = async () => {
      throw new Error('boom');
    };
    const failed = await fetch(`${base}/bridged/fails`);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ error: { code: 'internal' } });

    handler = recording;
    seen.length = 0;
    const parsed = await fetch(`${base}/parsed-first/x`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"intent":"retry"}',
    });
    expect(parsed.status).toBe(500);
    expect(seen).toEqual([]);
  });
});
