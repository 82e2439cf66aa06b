import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FAKES_READY_LINE } from '../../service/src/sandbox/standalone-fakes.js';
import { SERVICE_READY_MARKER } from '../crash/crash-protocol.js';
import { startTsProcess, type TsProcess } from '../helpers/child-process.js';

/**
 * The scaled-out service for fault runs: one shared-fakes process, one web process and N workers on one database
 * (as test/helpers/scale-out-cluster.ts starts them), plus what the faults need: a worker killed is replaced by a
 * fresh one (capacity stays), and the processes' own scripts may be swapped (the clock-jump run uses ones that
 * follow its clock control).
 */

const SERVICE_SCRIPT = path.resolve(import.meta.dirname, '../crash/service-process.ts');
const FAKES_SCRIPT = path.resolve(import.meta.dirname, '../helpers/fakes-process.ts');

export interface FaultClusterOptions {
  readonly databaseUrl: string;
  readonly workers: number;
  readonly fakesEnv?: Record<string, string>;
  readonly serviceEnv?: Record<string, string>;
  readonly serviceScript?: string;
  readonly fakesScript?: string;
}

export interface FaultCluster {
  readonly fakesUrl: string;
  readonly webUrl: string;
  readonly fakes: TsProcess;
  readonly web: TsProcess;
  /** The workers now running (or starting), by slot. */
  readonly workers: TsProcess[];
  /** Every worker process ever started, killed ones included. */
  readonly everyWorker: readonly TsProcess[];
  /** Starts a new worker in `slot` (the old one must be gone); resolves once it is started, not ready. */
  replaceWorker(slot: number): TsProcess;
  output(): string;
  stop(): Promise<void>;
}

export async function startFaultCluster(options: FaultClusterOptions): Promise<FaultCluster> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'faults-'));
  const started: TsProcess[] = [];
  const named: [string, TsProcess][] = [];
  const stop = async () => {
    for (const p of [...started].reverse()) await p.stop(5_000);
    await rm(dataDir, { recursive: true, force: true });
  };
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
    const env = (role: 'web' | 'worker') => ({
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
    const script = options.serviceScript ?? SERVICE_SCRIPT;
    const web = startTsProcess(script, env('web'), SERVICE_READY_MARKER);
    started.push(web);
    named.push(['web', web]);
    const webUrl = await web.ready;
    const everyWorker: TsProcess[] = [];
    const startWorker = (slot: number) => {
      const worker = startTsProcess(script, env('worker'), SERVICE_READY_MARKER);
      started.push(worker);
      everyWorker.push(worker);
      named.push([`worker ${slot} (#${everyWorker.length})`, worker]);
      return worker;
    };
    const workers = Array.from({ length: options.workers }, (_, slot) => startWorker(slot));
    await Promise.all(workers.map((w) => w.ready));
    return {
      fakesUrl,
      webUrl,
      fakes,
      web,
      workers,
      everyWorker,
      replaceWorker: (slot) => {
        const worker = startWorker(slot);
        workers[slot] = worker;
        return worker;
      },
      output,
      stop,
    };
  } catch (error) {
    const message = `${error instanceof Error ? error.message : String(error)}\n${output()}`;
    await stop();
    throw new Error(`the scaled-out service did not start: ${message}`);
  }
}
