import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCallAllowedAt } from '../../service/src/calling-window/index.js';
import { localDayAndMinute } from '../../service/src/core/zoned-time.js';
import type { TsProcess } from '../helpers/child-process.js';
import { readDials } from '../helpers/fakes-record.js';
import type { Cluster } from '../helpers/scale-out-cluster.js';
import { stressScaled } from '../helpers/stress.js';
import { waitUntil } from '../helpers/wait.js';
import { CLOCK_JUMPED } from './clock-control.js';
import { faultRunFile } from './fault-file.js';
import { fakesInfo, finishAndCheck, seedFaultCampaign } from './fault-run.js';

/**
 * The clock jumping across a DST change, end to end on one web and two worker processes: a New York campaign
 * calling 09:00-20:00 local dials on Saturday 31 October 2026 until just before 20:00 EDT, when every process's
 * clock jumps to Sunday 1 November 08:59:30 EST, past the 02:00 fall-back (and past the night): dials in the
 * dispatcher's hands or waiting for their pacing slot at the jump must not go out before 09:00 EST, and the
 * campaign then finishes by day. Every dial, in the contact's zone, lies inside the window and the legal hours.
 */

const ZONE = 'America/New_York';
const WINDOW = { startMinute: 9 * 60, endMinute: 20 * 60 };
const WHO = { zones: [ZONE], usState: 'NY' };
const CALLING = { days: [1, 2, 3, 4, 5, 6, 7], ...WINDOW, blackoutDates: [] };
/** Saturday 2026-10-31 19:59:00 EDT, a minute before the window closes. */
const SATURDAY_EVENING = Date.parse('2026-10-31T23:59:00Z');
/** Sunday 2026-11-01 08:59:30 EST (UTC-5 since 02:00), half a minute before it opens again. */
const SUNDAY_MORNING = Date.parse('2026-11-01T13:59:30Z');
const CONTACTS = stressScaled(30, 80);
const ACCOUNT_CAP = 6;
const controlFile = path.join(tmpdir(), `faults-clock-${process.pid}`);

const run = faultRunFile();

/** Moves every process's clock to `engineMs` now: the service processes first, then the fakes (see below). */
async function jumpTo(running: Cluster, engineMs: number): Promise<void> {
  const offset = engineMs - Date.now();
  await writeFile(controlFile, String(offset));
  const jump = async (p: TsProcess) => {
    const acked = new Promise<void>((resolve) =>
      p.onLine((line) => {
        if (line === `${CLOCK_JUMPED} ${offset}`) resolve();
      }),
    );
    p.kill('SIGUSR2');
    await acked;
  };
  // A service process still behind the fakes could dial "before" the jump and have the fake stamp it after; with
  // the fakes last, a dial of the old time is never stamped with the new one.
  await Promise.all([running.web, ...running.workers].map(jump));
  await jump(running.fakes);
}

describe('the clock jumping across a DST change', () => {
  it('no dial leaves the calling window or the legal hours in the contact zone when the clock jumps past 02:00', async () => {
    const env = {
      CLOCK_OFFSET_MS: String(SATURDAY_EVENING - 5 * 60_000 - Date.now()),
      CLOCK_CONTROL_FILE: controlFile,
    };
    const db = run.db;
    const running = await run.startCluster({
      workers: 2,
      serviceScript: path.resolve(import.meta.dirname, 'clocked-service-process.ts'),
      fakesScript: path.resolve(import.meta.dirname, 'clocked-fakes-process.ts'),
      fakesEnv: { ...env, SANDBOX_TIME_SCALE: '0.03', SANDBOX_CONCURRENCY_LIMIT: '50' },
      serviceEnv: { ...env, ACCOUNT_CONCURRENCY_CAP: String(ACCOUNT_CAP), UNKNOWN_DIAL_GRACE_MS: '5000' },
    });
    await jumpTo(running, SATURDAY_EVENING);
    const campaign = await seedFaultCampaign(db.pool, await fakesInfo(running.fakesUrl), {
      contacts: CONTACTS,
      cap: 6,
      // Slow pacing: placements wait for their slot (up to 2 s), and the clock jumps during such a wait.
      dialsPerSecond: 1,
      zones: [ZONE],
      usState: 'NY',
      window: WINDOW,
    });
    // Jumped while a placement is waiting for its caller number's pacing slot (claimed, its slot still ahead):
    // the wait ends on Sunday morning, and that dial must not go out before 09:00.
    const offset = SATURDAY_EVENING - Date.now();
    const jumpedAt = Date.now();
    await waitUntil(
      async () => {
        if (Date.now() - jumpedAt > 50_000) return true;
        if ((await readDials(running.fakesUrl)).length < 6) return false;
        const { rows } = await db.pool.query<{ waiting: boolean }>(
          `SELECT EXISTS (SELECT 1 FROM caller_pacing WHERE next_slot_at > $1)
              AND EXISTS (SELECT 1 FROM call_attempts WHERE status = 'claimed') AS waiting`,
          [new Date(Date.now() + offset + 300)],
        );
        return rows[0]?.waiting === true;
      },
      { timeoutMs: 120_000, intervalMs: 20, what: 'dials on Saturday evening' },
    );
    await jumpTo(running, SUNDAY_MORNING);

    const { records, violations } = await finishAndCheck(
      db.pool,
      running.fakesUrl,
      [campaign],
      ACCOUNT_CAP,
      () => running.output(),
    );
    const local = (ms: number) => {
      const { minuteOfDay } = localDayAndMinute(ms, ZONE);
      return `${new Date(ms).toISOString()} (${String(Math.floor(minuteOfDay / 60)).padStart(2, '0')}:${String(minuteOfDay % 60).padStart(2, '0')} in New York)`;
    };
    const outside = records.dials
      .filter((d) => !isCallAllowedAt(d.atMs, WHO, CALLING))
      .map((d) => local(d.atMs));
    const saturday = records.dials.filter((d) => d.atMs < SUNDAY_MORNING).length;
    const sunday = records.dials.length - saturday;
    console.log(
      `DST jump: ${saturday} dials on Saturday evening (EDT), ${sunday} on Sunday morning (EST); first after the ` +
        `jump ${local(Math.min(...records.dials.filter((d) => d.atMs >= SUNDAY_MORNING).map((d) => d.atMs)))}`,
    );
    expect(outside).toEqual([]);
    expect(violations).toEqual([]);
    expect(saturday).toBeGreaterThan(0);
    expect(sunday).toBeGreaterThan(0);
  }, 900_000);
});
