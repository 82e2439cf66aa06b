import { PerformanceObserver } from 'node:perf_hooks';
import { normalizeContact } from './src/campaigns/import/normalize-contact.js';
import { createDemoPortal } from './src/sandbox/demo-portal.js';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
let minor = 0, major = 0;
new PerformanceObserver((l) => { for (const e of l.getEntries()) { const k = (e as any).detail?.kind; if (k === 1) minor++; else major++; } }).observe({ entryTypes: ['gc'] });
const portal = createDemoPortal();
const settings = { defaultRegion: 'US', requireConsent: true, consentProperty: 'ai_call_consent', dncProperty: 'fundraising_do_not_call', defaultTimeZone: null, variableProperties: { first_name: 'firstname', last_gift_amount: 'last_gift_amount' } };
const contacts = Array.from({ length: 20_000 }, (_, i) => portal.contact(String(1_000_001 + i))!.properties);
const mode = process.argv[2];
await new Promise((r) => setTimeout(r, 100)); minor = 0; major = 0;
const t0 = performance.now();
for (let rep = 0; rep < 5; rep++) for (const [i, p] of contacts.entries()) {
  if (mode === 'norm') await normalizeContact(String(i), p, settings);
  if (mode === 'phone') { const v = p.phone ?? p.mobilephone; if (v) parsePhoneNumberFromString(v, 'US')?.isValid(); }
  if (mode === 'json') JSON.parse(JSON.stringify(p));
}
await new Promise((r) => setTimeout(r, 100));
console.log(mode, 'minor', minor, 'major', major, Math.round(performance.now() - t0), 'ms', 'heapTotal', (process.memoryUsage().heapTotal/1048576)|0);
