import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Runs a campaign's import in a child process (import-child.ts: the production import and HubSpot client), so its
 * memory is the importing process's alone, not vitest's or the fake HubSpot's. Its RSS is sampled from /proc
 * while it runs. Used by the 100k import test and the import benchmark.
 */

const root = path.resolve(import.meta.dirname, '../../../..');
const childScript = path.join(import.meta.dirname, 'import-child.ts');
/**
 * The service's heap setting. Left to itself on a 24 GB host, V8 sizes its heap from the machine's memory (a 4.2 GB
 * limit, and a young generation to match) and this allocation-heavy import peaked at 305-330 MB RSS while the live
 * heap stayed under 30 MB; with the heap capped, as `npm start`, a container's memory limit or NODE_OPTIONS would,
 * it stays near 240-250 MB.
 */
const SERVICE_HEAP_FLAGS = ['--max-old-space-size=512'];

export interface ImportChildRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The largest VmRSS sampled while it ran. */
  readonly maxSampledRssMb: number;
  /** The kernel's high-water mark of its RSS (VmHWM), read until it exited: a spike between reads still counts. */
  readonly peakRssMb: number;
  readonly samples: number;
  readonly wallMs: number;
}

/** What the child prints as its last line. */
export interface ImportChildReport {
  readonly result: { outcome: string; contactsInserted: number };
  readonly ms: number;
  readonly liveHeapBeforeMb: number;
  readonly liveHeapAfterMb: number;
  /** The child's own maxRSS at the end: catches a peak in its last moments, after the last /proc read. */
  readonly peakRssMb: number;
}

export const lastReport = (run: ImportChildRun): ImportChildReport =>
  JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as ImportChildReport;

/** VmRSS and VmHWM (its peak) of a live process, in MB; null once it has gone. */
async function memoryOf(pid: number): Promise<{ rss: number; peak: number } | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

export function runImportChild(options: {
  readonly databaseUrl: string;
  readonly hubspotUrl: string;
  readonly portalId: number;
  readonly campaignId: string;
  /** The client's own limiter: requests per 10 s. */
  readonly maxRequests: number;
}): Promise<ImportChildRun> {
  const started = Date.now();
  const args = [...SERVICE_HEAP_FLAGS, '--expose-gc', '--conditions=source', '--import', 'tsx', childScript];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DATABASE_URL: options.databaseUrl,
      HUBSPOT_URL: options.hubspotUrl,
      PORTAL_ID: String(options.portalId),
      CAMPAIGN_ID: options.campaignId,
      HUBSPOT_MAX_REQUESTS: String(options.maxRequests),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the import child did not start');
  let maxSampledRssMb = 0;
  let peakRssMb = 0;
  let samples = 0;
  // Sampling, not waiting: the caller waits on the child's exit.
  const sampler = setInterval(() => {
    void memoryOf(pid).then((m) => {
      if (m === null) return;
      samples += 1;
      maxSampledRssMb = Math.max(maxSampledRssMb, m.rss);
      peakRssMb = Math.max(peakRssMb, m.peak);
    });
  }, 50);
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      clearInterval(sampler);
      resolve({ code, stdout, stderr, maxSampledRssMb, peakRssMb, samples, wallMs: Date.now() - started });
    });
  });
}
