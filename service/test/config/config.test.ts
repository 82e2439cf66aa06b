import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, configurationTable, loadConfig } from '../../src/config/config.js';
import { variables } from '../../src/config/variables.js';

describe('configuration', () => {
  it('starts with an empty environment: port 3000, embedded database, sandbox mode', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.sandbox).toBe(true);
    expect(config.role).toBe('all');
    expect(config.elevenlabs.baseUrl).toBe('https://api.elevenlabs.io');
  });

  it('fails naming the variable and what was expected when a value is bad', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(
      /^Invalid configuration: PORT: expected a port number \(got "abc"\)$/,
    );
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT: expected 0-65535/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(
      /DATABASE_URL: expected a postgres:\/\/ connection string$/,
    );
    expect(() => loadConfig({ PUBLIC_URL: 'not a url' })).toThrow(/PUBLIC_URL: expected an http\(s\) URL/);
    expect(() => loadConfig({ SANDBOX: 'maybe' })).toThrow(/SANDBOX: expected true or false/);
  });

  it('never echoes a secret value in the error', () => {
    let message = '';
    try {
      loadConfig({ TOKEN_ENCRYPTION_KEY: 'hunter2-super-secret' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Invalid configuration: TOKEN_ENCRYPTION_KEY: expected 32 bytes/);
    expect(message).not.toContain('hunter2');
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).port).toBe(3000);
  });

  it('returns a frozen config', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.hubspot)).toBe(true);
  });

  it('refuses sandbox mode with a real ElevenLabs key or HubSpot token', () => {
    expect(() => loadConfig({ SANDBOX: 'true', ELEVENLABS_API_KEY: 'sk_live' })).toThrow(
      /ELEVENLABS_API_KEY: must be unset/,
    );
    expect(() => loadConfig({ SANDBOX: 'true', HUBSPOT_ACCESS_TOKEN: 'pat-na1-x' })).toThrow(
      /HUBSPOT_ACCESS_TOKEN: must be unset/,
    );
  });

  it('requires every real credential outside the sandbox', () => {
    expect(() => loadConfig({ ELEVENLABS_API_KEY: 'k' })).toThrow(
      /ELEVENLABS_WEBHOOK_SECRET: required outside sandbox/,
    );
    expect(() => loadConfig({ ELEVENLABS_API_KEY: 'k', ELEVENLABS_WEBHOOK_SECRET: 's' })).toThrow(
      /HUBSPOT_ACCESS_TOKEN/,
    );
    const live = loadConfig({
      ELEVENLABS_API_KEY: 'k',
      ELEVENLABS_WEBHOOK_SECRET: 's',
      HUBSPOT_ACCESS_TOKEN: 'pat',
      HUBSPOT_PORTAL_ID: '123',
    });
    expect(live.sandbox).toBe(false);
    expect(() =>
      loadConfig({
        ELEVENLABS_API_KEY: 'k',
        ELEVENLABS_WEBHOOK_SECRET: 's',
        HUBSPOT_CLIENT_ID: 'id',
        HUBSPOT_CLIENT_SECRET: 'c',
      }),
    ).toThrow(/TOKEN_ENCRYPTION_KEY: required with HUBSPOT_CLIENT_ID/);
    expect(() =>
      loadConfig({ ELEVENLABS_API_KEY: 'k', ELEVENLABS_WEBHOOK_SECRET: 's', HUBSPOT_ACCESS_TOKEN: 'pat' }),
    ).toThrow(/HUBSPOT_PORTAL_ID: required with HUBSPOT_ACCESS_TOKEN/);
  });

  it('requires OPS_USER and OPS_PASSWORD together', () => {
    expect(() => loadConfig({ OPS_USER: 'ops' })).toThrow(
      /OPS_PASSWORD: OPS_USER and OPS_PASSWORD must be set together/,
    );
  });

  it('documents every variable in the README configuration table', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    for (const name of Object.keys(variables)) {
      expect(readme, `README is missing ${name}`).toContain(`| \`${name}\` |`);
    }
    expect(readme).toContain(configurationTable());
  });
});
