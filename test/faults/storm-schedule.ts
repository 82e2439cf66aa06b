import { readDials } from '../helpers/fakes-record.js';
import { waitUntil } from '../helpers/wait.js';

/**
 * Switches the shared fakes' faults on and off while a run goes on, over their /__sandbox HTTP routes (as any
 * process on the machine can): each storm starts once the run has made a number of dials, lasts a while, and is
 * switched off again.
 */

export interface Storm {
  readonly name: string;
  /** Starts once the fake ElevenLabs has recorded this many dials. */
  readonly afterDials: number;
  readonly lastsMs: number;
  readonly elevenlabs?: Record<string, unknown>;
  readonly hubspot?: Record<string, unknown>;
  /**
   * Kept on past `lastsMs` (up to a minute more) until the fake's fault log shows this fault fired: a storm on
   * requests the service makes only now and then (HubSpot writes) must meet one of them.
   */
  readonly until?: { readonly fake: 'elevenlabs' | 'hubspot'; readonly faults: readonly string[] };
}

async function firedCount(fakesUrl: string, fake: 'elevenlabs' | 'hubspot', faults: readonly string[]) {
  const res = await fetch(`${fakesUrl}/__sandbox/${fake}/fault-log?limit=10000`);
  const { items } = (await res.json()) as { items: { fault: string }[] };
  return items.filter((e) => faults.includes(e.fault)).length;
}

export async function setFaults(
  fakesUrl: string,
  fake: 'elevenlabs' | 'hubspot',
  settings: Record<string, unknown>,
): Promise<void> {
  const res = await fetch(`${fakesUrl}/__sandbox/${fake}/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(settings),
  });
  if (!res.ok)
    throw new Error(`${fake} faults ${JSON.stringify(settings)}: HTTP ${res.status} ${await res.text()}`);
}

/** The same settings with every rule switched off again (other settings, e.g. delays, reset to 0). */
function calm(settings: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(settings).map(([key, value]) => [
      key,
      typeof value === 'object' ? { fraction: 0, next: 0 } : key.endsWith('DelayMs') ? 0 : value,
    ]),
  );
}

/** Runs the storms in order; resolves with when each raged (real ms), once the last has been switched off. */
export async function runStorms(
  fakesUrl: string,
  storms: readonly Storm[],
): Promise<{ name: string; fromMs: number; toMs: number }[]> {
  const seen: { name: string; fromMs: number; toMs: number }[] = [];
  for (const storm of storms) {
    await waitUntil(async () => (await readDials(fakesUrl)).length >= storm.afterDials, {
      timeoutMs: 300_000,
      intervalMs: 200,
      what: `${storm.afterDials} dials before the ${storm.name} storm`,
    });
    const fromMs = Date.now();
    const { until } = storm;
    const before = until ? await firedCount(fakesUrl, until.fake, until.faults) : 0;
    if (storm.elevenlabs) await setFaults(fakesUrl, 'elevenlabs', storm.elevenlabs);
    if (storm.hubspot) await setFaults(fakesUrl, 'hubspot', storm.hubspot);
    await new Promise((resolve) => setTimeout(resolve, storm.lastsMs));
    if (until) {
      await waitUntil(async () => (await firedCount(fakesUrl, until.fake, until.faults)) > before, {
        timeoutMs: 60_000,
        intervalMs: 250,
        what: `the ${storm.name} storm to hit a request`,
      });
    }
    if (storm.elevenlabs) await setFaults(fakesUrl, 'elevenlabs', calm(storm.elevenlabs));
    if (storm.hubspot) await setFaults(fakesUrl, 'hubspot', calm(storm.hubspot));
    seen.push({ name: storm.name, fromMs, toMs: Date.now() });
  }
  return seen;
}
