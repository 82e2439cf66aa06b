import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlacementStep } from '../../service/src/campaigns/placement/place-call.js';
import { CRASH_MARKER, type CrashReport, READY_MARKER } from './crash-protocol.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '../..');
const WORKER = path.join(HERE, 'placement-worker.ts');
const KEPT_LINES = 200;

export interface WorkerEnv {
  readonly databaseUrl: string;
  readonly elevenLabsUrl: string;
  readonly hubSpotUrl: string;
  readonly clockOffsetMs: number;
  readonly concurrency: number;
  readonly crashAt?: PlacementStep;
  readonly crashAfter?: number;
}

export interface WorkerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the worker killed itself at a placement step. */
  readonly crash: CrashReport | null;
}

export interface WorkerProcess {
  readonly ready: Promise<void>;
  readonly exited: Promise<WorkerExit>;
  /** The worker's last lines of output, for a failure message. */
  output(): string;
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM (a graceful stop), then SIGKILL if it has not exited within the grace period. */
  stop(graceMs?: number): Promise<WorkerExit>;
}

/** Starts one placement worker process (see placement-worker.ts) the way `npm start` runs the service. */
export function startWorkerProcess(options: WorkerEnv): WorkerProcess {
  const child: ChildProcess = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', WORKER], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      ELEVENLABS_URL: options.elevenLabsUrl,
      HUBSPOT_URL: options.hubSpotUrl,
      CLOCK_OFFSET_MS: String(options.clockOffsetMs),
      CONCURRENCY: String(options.concurrency),
      ...(options.crashAt ? { CRASH_AT: options.crashAt, CRASH_AFTER: String(options.crashAfter ?? 1) } : {}),
    },
    // stdin stays open and unused: the worker leaves when it closes, so a test that dies strands no worker.
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let crash: CrashReport | null = null;
  let markReady: () => void = () => {};
  let failReady: (error: Error) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  // Nobody need await readiness; an unobserved rejection must not fail the run.
  ready.catch(() => {});

  const collect = (stream: NodeJS.ReadableStream | null) => {
    let pending = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      pending += chunk;
      const complete = pending.split('\n');
      pending = complete.pop() ?? '';
      for (const line of complete) {
        if (line === READY_MARKER) markReady();
        if (line.startsWith(CRASH_MARKER)) crash = JSON.parse(line.slice(CRASH_MARKER.length)) as CrashReport;
        lines.push(line);
        if (lines.length > KEPT_LINES) lines.shift();
      }
    });
  };
  collect(child.stdout);
  collect(child.stderr);

  child.once('exit', (code, signal) =>
    failReady(new Error(`worker exited before it was ready (code ${code}, signal ${signal})`)),
  );
  // 'close', not 'exit': it comes once the pipes are drained, so the crash line has been read.
  const exited = new Promise<WorkerExit>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal, crash }));
  });
  const kill = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  return {
    ready,
    exited,
    output: () => lines.join('\n'),
    kill,
    stop: async (graceMs = 10_000) => {
      kill('SIGTERM');
      const timer = setTimeout(() => kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
