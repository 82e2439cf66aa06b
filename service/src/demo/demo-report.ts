import { CALL_OUTCOMES, OUTCOME_LABELS } from '@fundraising/shared';
import type { CampaignStats } from '../campaigns/index.js';
import type { Sandbox } from '../sandbox/index.js';

const BAR = 30;
const money = (n: number) => `$${n.toLocaleString('en-US', { maximumFractionDigits: 0 })}`;

/** One line, redrawn in place: how far the campaign is. */
export function progressLine(stats: CampaignStats, pendingWrites: number, elapsedMs: number): string {
  const s = stats.contacts.byState;
  const callable = stats.contacts.total - (s.skipped ?? 0);
  const done = s.done ?? 0;
  const filled = callable === 0 ? 0 : Math.round((done / callable) * BAR);
  return (
    `  [${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${done}/${callable} done · ` +
    `${stats.callsInFlight} in flight · ${stats.pledges.count} pledges (${money(stats.pledges.sum)}) · ` +
    `${pendingWrites} HubSpot writes pending · ${(elapsedMs / 1000).toFixed(0)}s   `
  );
}

/** The closing table: outcomes, pledges, skipped contacts and what "HubSpot" received. */
export function printSummary(stats: CampaignStats, sandbox: Sandbox, elapsedMs: number): void {
  const rows: [string, string][] = [];
  for (const o of CALL_OUTCOMES) {
    const n = stats.outcomes[o];
    if (n) rows.push([OUTCOME_LABELS[o], String(n)]);
  }
  const skipped = Object.entries(stats.skipped).map(([reason, n]) => [
    `skipped: ${reason.replace(/_/g, ' ')}`,
    String(n),
  ]);
  const record = sandbox.hubspot.record;
  const finished = Object.values(stats.outcomes).reduce((a, n) => a + (n ?? 0), 0);
  const writeRequests = record.requests.filter(
    (r) => r.method !== 'GET' && !r.path.includes('/batch/read'),
  ).length;
  const lines = [
    '',
    '  Outcomes',
    ...rows.map(([k, v]) => `    ${k.padEnd(28)} ${v.padStart(5)}`),
    ...skipped.map(([k, v]) => `    ${(k ?? '').padEnd(28)} ${(v ?? '').padStart(5)}`),
    '',
    `  Pledges                      ${String(stats.pledges.count).padStart(5)}  totalling ${money(stats.pledges.sum)}`,
    `  Dials                        ${String(stats.attempts).padStart(5)}  (ElevenLabs cost ${stats.cost} credits)`,
    '',
    '  HubSpot (sandbox) received',
    `    Calls engagements          ${String(record.calls.length).padStart(5)}`,
    `    Contact property writes    ${String(record.propertyWrites.length).padStart(5)}`,
    `    Write requests             ${String(writeRequests).padStart(5)}  (${(writeRequests / Math.max(1, finished)).toFixed(3)} per finished contact)`,
    `    All requests               ${String(record.requests.length).padStart(5)}  (incl. list import and dial-time do-not-call checks)`,
    '',
    `  Finished in ${(elapsedMs / 1000).toFixed(1)} s.`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
}
