import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { StartupError } from '../../src/db/first-run.js';
import { listenEarly } from '../../src/http/listen.js';

describe('the HTTP port, taken first at start-up', () => {
  it('answers 503 "starting" until the app is handed over, then the app', async () => {
    const early = await listenEarly(0, '127.0.0.1');
    try {
      const before = await fetch(`http://127.0.0.1:${early.port}/healthz`);
      expect(before.status).toBe(503);
      expect(before.headers.get('retry-after')).toBe('1');
      expect(await before.json()).toEqual({
        error: { code: 'starting', message: 'the service is starting' },
      });
      early.serve((_req, res) => res.end('ready'));
      expect(await (await fetch(`http://127.0.0.1:${early.port}/healthz`)).text()).toBe('ready');
    } finally {
      await early.close(0);
    }
  });

  it('fails with the one-line start-up error when the port is in use', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const error = await listenEarly(port, '127.0.0.1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StartupError);
      expect((error as Error).message).toContain(`PORT ${port} is already in use`);
    } finally {
      taken.close();
    }
  });
});
