import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const KEPT_LINES = 200;

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface TsProcess {
  /** The Node process's id (its CPU time is read from /proc by the scale-out benchmark). */
  readonly pid: number | undefined;
  /** Resolves with what follows the ready marker on its line, once the process printed it. */
  readonly ready: Promise<string>;
  /** After the process exited and its output was read to the end. */
  readonly exited: Promise<ChildExit>;
  /** Its last lines of output (stdout and stderr), for a failure message. */
  output(): string;
  /** Called with every complete line of output. */
  onLine(listener: (line: string) => void): void;
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM (a graceful stop), then SIGKILL if it has not exited within the grace period. */
  stop(graceMs?: number): Promise<ChildExit>;
}

/**
 * Runs a TypeScript file of the repository in a Node process of its own, the way `npm start` runs the service.
 * stdin stays open and unused: the scripts leave when it closes, so a test that dies strands no process.
 */
export function startTsProcess(script: string, env: Record<string, string>, readyMarker: string): TsProcess {
  const child: ChildProcess = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', script], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const listeners: ((line: string) => void)[] = [];
  let markReady: (rest: string) => void = () => {};
  let failReady: (error: Error) => void = () => {};
  const ready = new Promise<string>((resolve, reject) => {
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
        if (line.startsWith(readyMarker)) markReady(line.slice(readyMarker.length).trim());
        for (const listener of listeners) listener(line);
        lines.push(line);
        if (lines.length > KEPT_LINES) lines.shift();
      }
    });
  };
  collect(child.stdout);
  collect(child.stderr);

  child.once('exit', (code, signal) =>
    failReady(new Error(`process exited before it was ready (code ${code}, signal ${signal})`)),
  );
  // 'close', not 'exit': it comes once the pipes are drained, so the last lines have been read.
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  const kill = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  return {
    pid: child.pid,
    ready,
    exited,
    output: () => lines.join('\n'),
    onLine: (listener) => listeners.push(listener),
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

/** Whether a process with this pid is alive (signal 0 probes without signalling). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
