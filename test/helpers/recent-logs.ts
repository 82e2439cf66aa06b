import type { DestinationStream } from 'pino';
import { createLogger, type Logger } from '../../service/src/logger.js';

/**
 * A logger for system tests that keeps the last `keep` log lines at `level` or above in memory (nothing printed),
 * so a test that fails can show what the service said just before (a stalled campaign explains itself).
 */
export function recentLogs(level = 'warn', keep = 200): { logger: Logger; lines: () => string[] } {
  const lines: string[] = [];
  const destination: DestinationStream = {
    write(line: string) {
      lines.push(line.trimEnd());
      if (lines.length > keep) lines.splice(0, lines.length - keep);
    },
  };
  return { logger: createLogger(level, destination), lines: () => [...lines] };
}
