import { execFileSync } from 'node:child_process';
import os from 'node:os';
import pg from 'pg';

/** The commit a run measured: HEAD, and whether the tree differed from it (results of earlier runs aside). */
export interface CommitInfo {
  readonly sha: string;
  readonly short: string;
  readonly branch: string;
  /** Files changed against HEAD outside bench-results/ (whose new result files are no change to the code). */
  readonly dirty: boolean;
  readonly changedFiles: readonly string[];
}

export interface MachineInfo {
  readonly os: string;
  readonly kernel: string;
  readonly arch: string;
  readonly cpuModel: string;
  readonly cpus: number;
  readonly memoryGb: number;
  readonly node: string;
  readonly postgres: string;
  /** 1-minute load averages when the run started and ended: other work on the machine makes figures noisy. */
  readonly loadAverage: { readonly start: number; readonly end?: number };
}

function git(args: readonly string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

export function commitInfo(): CommitInfo {
  const changedFiles = git(['status', '--porcelain'])
    .split('\n')
    .map((line) => line.slice(3))
    .filter((file) => file !== '' && !file.startsWith('bench-results/'));
  return {
    sha: git(['rev-parse', 'HEAD']) || 'unknown',
    short: git(['rev-parse', '--short', 'HEAD']) || 'unknown',
    branch: git(['rev-parse', '--abbrev-ref', 'HEAD']),
    dirty: changedFiles.length > 0,
    changedFiles,
  };
}

export async function machineInfo(adminUrl: string): Promise<MachineInfo> {
  const cpus = os.cpus();
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  let postgres: string;
  try {
    const { rows } = await client.query<{ v: string }>('SELECT version() AS v');
    postgres = rows[0]?.v ?? 'unknown';
  } finally {
    await client.end();
  }
  return {
    os: `${os.type()} ${os.release()}`,
    kernel: os.version(),
    arch: os.arch(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpus: os.availableParallelism(),
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    postgres,
    loadAverage: { start: round(os.loadavg()[0] ?? 0) },
  };
}

export function endLoad(machine: MachineInfo): MachineInfo {
  return { ...machine, loadAverage: { ...machine.loadAverage, end: round(os.loadavg()[0] ?? 0) } };
}

const round = (n: number) => Math.round(n * 100) / 100;
