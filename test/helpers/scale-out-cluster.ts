import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FAKES_READY_LINE } from '../../service/src/sandbox/standalone-fakes.js';
import { SERVICE_READY_MARKER } from '../crash/crash-protocol.js';
import { startTsProcess, type TsProcess } from './child-process.js';

/**
 * The service scaled out on one machine, as the README's "Scaling out" runs it: one process of shared sandbox
 * fakes (what `npm run sandbox:fakes` starts), one web process (SERVICE_ROLE=web) and N worker processes
 * (SERVICE_ROLE=worker), all real child processes on one Postgres database, all with SANDBOX_FAKES_URL.
 */

const SERVICE_SCRIPT = path.resolve(import.meta.dirname, '../crash/service-process.ts');
const FAKES_SCRIPT = path.resolve(import.meta.dirname, 'fakes-process.ts');

export interface ClusterOptions {
  readonly databaseUrl: string;
  readonly workers: number;
  /** The fakes' own settings (SANDBOX_TIME_SCALE, SANDBOX_CONCURRENCY_LIMIT, ...). */
  readonly fakesEnv?: Record<string, string>;
  /** Every service process's environment on top of the cluster's (ACCOUNT_CONCURRENCY_CAP, LOG_LEVEL, ...). */
  readonly serviceEnv?: Record<string, string>;
  /** Called with each complete output line of worker `index`. */
  readonly onWorkerLine?: (index: number, line: string) => void;
  /** Other scripts for the processes (the clock-jump fault run uses ones that follow its clock control). */
  readonly serviceScript?: string;
  readonly fakesScript?: string;
}

export interface Cluster {
  /** SANDBOX_FAKES_URL: the fakes' /__sandbox pages, records included. */
  readonly fakesUrl: string;
  readonly webUrl: string;
  readonly fakes: TsProcess;
  readonly web: TsProcess;
  /** The workers now running (or starting), by slot. */
  readonly workers: readonly TsProcess[];
  /** Every worker process ever started, killed ones included. */
  readonly everyWorker: readonly TsProcess[];
  /** Starts a fresh worker in `slot`, whose process must have exited (fault runs kill and replace workers). */
  replaceWorker(slot: number): TsProcess;
  /** Last lines of the last processes started, for a failure message. */
  output(): string;
  /** SIGTERM to every process still running (workers, web, then the fakes), SIGKILL after a grace period. */
  stop(): Promise<void>;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'scale-out-'));
  const started: TsProcess[] = [];
  const named: [string, TsProcess][] = [];
  const stop = async () => {
    // Workers first (no new dials), then the web process (webhooks of calls still going on), then the fakes.
    for (const p of [...started].reverse()) await p.stop(5_000);
    await rm(dataDir, { recursive: true, force: true });
  };
  // A kill storm starts dozens of workers: the last few processes' last lines are what explains a failure.
  const output = () =>
    named
      .slice(-8)
      .map(([name, p]) => `--- ${name}\n${p.output().split('\n').slice(-40).join('\n')}`)
      .join('\n');
  try {
    const fakes = startTsProcess(
      options.fakesScript ?? FAKES_SCRIPT,
      { DATA_DIR: dataDir, LOG_LEVEL: 'warn', SANDBOX_FAKES_PORT: '0', ...options.fakesEnv },
      FAKES_READY_LINE,
    );
    started.push(fakes);
    named.push(['fakes', fakes]);
    const fakesUrl = await fakes.ready;
    const serviceEnv = (role: 'web' | 'worker') => ({
      DATABASE_URL: options.databaseUrl,
      SANDBOX: 'true',
      SANDBOX_FAKES_URL: fakesUrl,
      SERVICE_ROLE: role,
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      SHUTDOWN_TIMEOUT_SECONDS: '2',
      ...options.serviceEnv,
    });
    // The web process first: it points the fakes' webhooks at itself before any worker can dial.
    const script = options.serviceScript ?? SERVICE_SCRIPT;
    const web = startTsProcess(script, serviceEnv('web'), SERVICE_READY_MARKER);
    started.push(web);
    named.push(['web', web]);
    const webUrl = await web.ready;
    const everyWorker: TsProcess[] = [];
    const startWorker = (index: number) => {
      const worker = startTsProcess(script, serviceEnv('worker'), SERVICE_READY_MARKER);
      const listen = options.onWorkerLine;
      if (listen) worker.onLine((line) => listen(index, line));
      started.push(worker);
      everyWorker.push(worker);
      named.push([`worker ${index} (#${everyWorker.length})`, worker]);
      return worker;
    };
    const workers = Array.from({ length: options.workers }, (_, index) => startWorker(index));
    await Promise.all(workers.map((w) => w.ready));
    const replaceWorker = (slot: number) => {
      const fresh = startWorker(slot);
      workers[slot] = fresh;
      return fresh;
    };
    return { fakesUrl, webUrl, fakes, web, workers, everyWorker, replaceWorker, output, stop };
  } catch (error) {
    const message = `${error instanceof Error ? error.message : String(error)}\n${output()}`;
    await stop();
    throw new Error(`the scaled-out service did not start: ${message}`);
  }
}
