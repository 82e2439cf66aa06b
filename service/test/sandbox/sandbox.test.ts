import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { type Sandbox, sandboxBanner, startSandbox } from '../../src/sandbox/index.js';
import { at } from './json-path.js';

const logger = createLogger('silent');
let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

describe('startSandbox', () => {
  it('signs with the secrets it is given, so a test can sign its own requests', async () => {
    sandbox = await startSandbox({
      elevenLabsWebhookSecret: 'wsec_given',
      hubspotClientSecret: 'hs_given',
      hubspotClientId: 'cid',
      logger,
    });
    expect(sandbox.secrets).toEqual({
      elevenLabsWebhookSecret: 'wsec_given',
      hubspotClientSecret: 'hs_given',
      hubspotClientId: 'cid',
    });
    expect(sandbox.elevenlabs.webhookSecret).toBe('wsec_given');
  });

  it('generates fresh secrets otherwise, different on every start', async () => {
    sandbox = await startSandbox({ logger });
    const first = sandbox.secrets;
    await sandbox.stop();
    sandbox = await startSandbox({ logger });
    expect(first.elevenLabsWebhookSecret.length).toBeGreaterThanOrEqual(32);
    expect(sandbox.secrets.elevenLabsWebhookSecret).not.toBe(first.elevenLabsWebhookSecret);
    expect(sandbox.secrets.hubspotClientSecret).not.toBe(first.hubspotClientSecret);
  });

  it('serves both fakes on loopback with the demo portal installed and its links browsable', async () => {
    sandbox = await startSandbox({ logger });
    expect(sandbox.elevenlabs.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.hubspot.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.demoPortal).toMatchObject({
      portalId: 9_900_001,
      name: 'Riverside Food Bank (sandbox)',
      accessToken: 'sandbox-token-9900001',
      agentId: expect.stringMatching(/^agent_/),
      phoneNumberId: expect.stringMatching(/^phnum_/),
    });
    const lists = await fetch(`${sandbox.hubspot.url}/crm/v3/lists/search`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${sandbox.demoPortal.accessToken}`,
        'content-type': 'application/json',
      },
      body: '{}',
    });
    expect(at(await lists.json(), 'total')).toBe(3);
    for (const link of Object.values(sandbox.links)) expect((await fetch(link)).status).toBe(200);
    const index = await (await fetch(`${sandbox.elevenlabs.url}/__sandbox`)).json();
    expect(at(index, 'links', 'dials')).toBe('/__sandbox/elevenlabs/dials');
    const banner = sandboxBanner(sandbox);
    expect(banner).toContain('SANDBOX MODE');
    expect(banner).toContain(sandbox.links.lists);
  });
});
