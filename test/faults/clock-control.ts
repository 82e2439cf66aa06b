import { readFileSync, writeSync } from 'node:fs';
import type { ShiftedClock } from '../../service/src/core/clock.js';

/**
 * A test-only way to make the clock jump in every process of a scaled-out run at once, kept apart from the
 * engine and the fakes: each process runs on a shifted clock; the test writes the offset it wants (engine time
 * minus real time, in ms) to CLOCK_CONTROL_FILE and sends SIGUSR2; the process moves its clock there and says so
 * on stdout (`CLOCK-JUMPED <offset>`), so the test knows when every process has jumped.
 */

export const CLOCK_JUMPED = 'CLOCK-JUMPED';

export function followClockControl(clock: ShiftedClock, file: string | undefined): void {
  if (!file) return;
  process.on('SIGUSR2', () => {
    const target = Number(readFileSync(file, 'utf8').trim());
    if (!Number.isFinite(target)) return;
    clock.advance(target - (clock.now() - Date.now()));
    writeSync(1, `${CLOCK_JUMPED} ${target}\n`);
  });
}
