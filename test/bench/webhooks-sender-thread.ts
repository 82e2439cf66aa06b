import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { type LoadReport, type LoadSpec, runLoad } from './webhooks-sender.js';

/**
 * The webhook sender in a worker thread of its own: its event loop then never delays the server's (or the other
 * way round), so an acknowledgement latency is the server's, not time a response sat waiting for a busy client.
 * The same file is the worker's entry point (it inherits `--import tsx` from the runner's execArgv).
 */

const ROLE = 'webhooks-sender';

type Reply = { ok: true; report: LoadReport } | { ok: false; error: string };

export interface SenderThread {
  run(spec: LoadSpec): Promise<LoadReport>;
  stop(): Promise<void>;
}

export function startSenderThread(): SenderThread {
  const worker = new Worker(new URL(import.meta.url), { workerData: { role: ROLE } });
  let failure: Error | null = null;
  worker.on('error', (error) => {
    failure = error;
  });
  return {
    run: (spec) =>
      new Promise<LoadReport>((resolve, reject) => {
        if (failure) {
          reject(failure);
          return;
        }
        const onError = (error: Error) => reject(error);
        worker.once('error', onError);
        worker.once('message', (reply: Reply) => {
          worker.off('error', onError);
          if (reply.ok) resolve(reply.report);
          else reject(new Error(`sender thread: ${reply.error}`));
        });
        worker.postMessage(spec);
      }),
    stop: async () => {
      await worker.terminate();
    },
  };
}

function isSenderWorker(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { role?: unknown }).role === ROLE;
}

if (!isMainThread && parentPort && isSenderWorker(workerData)) {
  const port = parentPort;
  port.on('message', (spec: LoadSpec) => {
    runLoad(spec).then(
      (report) => port.postMessage({ ok: true, report } satisfies Reply),
      (error: unknown) =>
        port.postMessage({
          ok: false,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        } satisfies Reply),
    );
  });
}
