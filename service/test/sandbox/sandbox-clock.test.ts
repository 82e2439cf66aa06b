import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../test/helpers/database.js';
import { waitUntil } from '../../../test/helpers/wait.js';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { acceleratedClock } from '../../src/core/accelerated-clock.js';
import { realSlackMs, wireNow } from '../../src/core/clock.js';
import { connectToFakes, type SandboxFakes } from '../../src/sandbox/index.js';
import { type StandaloneFakes, startStandaloneFakes } from '../../src/sandbox/standalone-fakes.js';

/**
 * The sandbox's accelerated clock: one definition, published by the fakes' process, from which every process
 * computes the same simulated now; held at its start until the run begins; real time for protocol timing.
 */

const START = Date.parse('2027-03-14T06:30:00Z');

describe('the accelerated clock', () => {
  it('stands at its start while held, then runs `speed` times faster from the instant it was started', () => {
    const clock = acceleratedClock({ startMs: START, speed: 1000, epochMs: null });
    expect(clock.now()).toBe(START);
    expect(clock.running).toBe(false);
    const epoch = Date.now() - 2_000;
    clock.run(epoch);
    clock.run(Date.now()); // a running clock keeps its epoch
    expect(clock.definition()).toEqual({ startMs: START, speed: 1000, epochMs: epoch });
    expect(clock.now() - START).toBeGreaterThanOrEqual(2_000_000);
    expect(clock.now() - START).toBeLessThan(2_000_000 + 60_000_000); // within a minute of real time
  });

  it('sleeps simulated time (a minute in 60 ms), keeps wire time real and stretches real-time bounds', async () => {
    const clock = acceleratedClock({ startMs: START, speed: 1000, epochMs: Date.now() });
    const before = Date.now();
    await clock.sleep(60_000);
    expect(Date.now() - before).toBeLessThan(1_000);
    expect(Math.abs(wireNow(clock) - Date.now())).toBeLessThan(50);
    expect(realSlackMs(clock, 120_000)).toBe(120_000_000);
    expect(realSlackMs({}, 120_000)).toBe(120_000);
  });

  it('refuses a speed out of range', () => {
    expect(() => acceleratedClock({ startMs: START, speed: 0.5, epochMs: null })).toThrow(RangeError);
    expect(() => acceleratedClock({ startMs: START, speed: 20_000, epochMs: null })).toThrow(RangeError);
  });
});

describe('SANDBOX_CLOCK_* configuration', () => {
  it('is parsed in sandbox mode only, and only where the fakes are started', () => {
    const config = loadConfig({ SANDBOX_CLOCK_START: '2027-03-14T06:30:00Z', SANDBOX_CLOCK_SPEED: '1500' });
    expect(config.sandboxClock).toEqual({ startMs: START, speed: 1500, hold: false });
    expect(loadConfig({}).sandboxClock).toBeUndefined();
    const real = { ELEVENLABS_API_KEY: 'k', ELEVENLABS_WEBHOOK_SECRET: 's', HUBSPOT_ACCESS_TOKEN: 't' };
    expect(() => loadConfig({ ...real, HUBSPOT_PORTAL_ID: '1', SANDBOX_CLOCK_SPEED: '10' })).toThrow(
      /SANDBOX_CLOCK_SPEED: only in sandbox mode/,
    );
    expect(() =>
      loadConfig({ SANDBOX_FAKES_URL: 'http://127.0.0.1:3100', SANDBOX_CLOCK_HOLD: 'true' }),
    ).toThrow(ConfigError);
    expect(() => loadConfig({ SANDBOX_CLOCK_START: 'tomorrow' })).toThrow(/SANDBOX_CLOCK_START/);
    expect(() => loadConfig({ SANDBOX_CLOCK_SPEED: '0' })).toThrow(/SANDBOX_CLOCK_SPEED/);
  });
});

describe('a held clock shared through the fakes', () => {
  let dir: string;
  let standalone: StandaloneFakes;
  let remote: SandboxFakes;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sandbox-clock-'));
    standalone = await startStandaloneFakes(
      {
        SANDBOX_FAKES_PORT: '0',
        DATA_DIR: dir,
        SANDBOX_CLOCK_START: '2027-03-14T06:30:00Z',
        SANDBOX_CLOCK_SPEED: '1000',
        SANDBOX_CLOCK_HOLD: 'true',
        SANDBOX_EXTRA_PORTALS: '2',
      },
      silentLogger,
    );
    remote = await connectToFakes(standalone.url, silentLogger);
  });
  afterAll(async () => {
    await standalone?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('publishes the clock; another process follows it from held to running, and both agree on now', async () => {
    expect(remote.info.clock).toEqual({ startMs: START, speed: 1000, epochMs: null });
    // Calls last their simulated length on the accelerated clock.
    expect(remote.info.timeScale).toBe(0.001);
    expect(remote.clock?.now()).toBe(START);
    const started = await fetch(`${standalone.url}/__sandbox/fakes/clock/run`, { method: 'POST' });
    expect(started.status).toBe(200);
    await waitUntil(() => remote.clock?.running === true, { what: 'the remote clock to run' });
    const own = standalone.fakes.clock;
    expect(own?.definition()).toEqual(remote.clock?.definition());
    expect(Math.abs((own?.now() ?? 0) - (remote.clock?.now() ?? 0))).toBeLessThan(1_000 * 50);
  });

  it('serves extra organisations whose numbers no other portal has', async () => {
    const { extraPortals, demoPortal } = remote.info;
    expect(extraPortals.map((p) => p.portalId)).toEqual([9_900_003, 9_900_004]);
    const phoneOf = async (portalId: number) =>
      (
        (await (await fetch(`${standalone.url}/__sandbox/hubspot/contacts/${portalId}/20001`)).json()) as {
          properties: { phone: string };
        }
      ).properties.phone;
    const phones = await Promise.all([demoPortal.portalId, 9_900_003, 9_900_004].map(phoneOf));
    expect(new Set(phones).size).toBe(3);
  });
});
