import { Router } from 'express';
import type { PgBoss } from 'pg-boss';
import type { Pool } from '../db/pool.js';
import { queryRows } from '../db/statement.js';
import type { QueueDefinition } from '../jobs/queue-definition.js';
import { DEAD_LETTER_COUNTS } from './queries.js';

/**
 * Dead letters, and the redrive the job dashboard lacks: a job whose retries are spent is copied to its queue's
 * dead-letter queue (`<queue>-dead`), where nothing works it. Once ops have fixed the cause (a scope granted, a
 * property restored), "Redrive" moves the waiting copies back to the queue they came from, to run again. The
 * dashboard (/ops/jobs) shows the copies themselves; this page counts them and moves them.
 *
 * Behind the ops login (mounted through opsRoutes). Its form keeps the same CSRF rule as the dashboard's actions:
 * a POST whose Origin is not the service itself or one of `actionHosts` is refused.
 */
export interface DeadLetterOptions {
  readonly boss: PgBoss;
  readonly pool: Pool;
  readonly queues: readonly QueueDefinition<unknown>[];
  readonly actionHosts: () => readonly string[];
}

export const DEAD_LETTERS_PATH = '/dead-letters';

/** Each dead-letter queue and the queue whose failures it keeps. */
export function deadLetterPairs(
  queues: readonly QueueDefinition<unknown>[],
): { readonly deadLetter: string; readonly source: string }[] {
  return queues.flatMap((q) =>
    q.options.deadLetter ? [{ deadLetter: q.options.deadLetter, source: q.name }] : [],
  );
}

export function deadLetterRoutes(options: DeadLetterOptions): Router {
  const router = Router();
  const pairs = deadLetterPairs(options.queues);
  const names = new Set(pairs.map((p) => p.deadLetter));

  router.get(DEAD_LETTERS_PATH, async (req, res, next) => {
    try {
      const counts = new Map(
        (await queryRows(options.pool, DEAD_LETTER_COUNTS, [[...names]])).map((r) => [r.queue, r.waiting]),
      );
      const rows = pairs.map((p) => ({ ...p, waiting: counts.get(p.deadLetter) ?? 0 }));
      if (req.accepts(['html', 'json']) === 'json') {
        res.json({ deadLetters: rows });
        return;
      }
      const moved = typeof req.query.moved === 'string' ? Number(req.query.moved) : null;
      res.type('html').send(deadLettersPage(rows, moved, String(req.baseUrl)));
    } catch (error) {
      next(error);
    }
  });

  router.post(`${DEAD_LETTERS_PATH}/:queue/redrive`, async (req, res, next) => {
    try {
      const queue = req.params.queue;
      if (!names.has(queue)) {
        res.status(404).json({ error: { code: 'not_found', message: `no dead-letter queue ${queue}` } });
        return;
      }
      if (!sameSite(req.get('origin'), req.get('host'), options.actionHosts())) {
        res.status(403).json({ error: { code: 'forbidden', message: 'origin: not this service' } });
        return;
      }
      const moved = await options.boss.redrive(queue);
      req.log?.warn({ queue, moved, by: res.locals.opsUser }, 'dead letters redriven');
      if (req.accepts(['html', 'json']) === 'json') res.json({ queue, moved });
      else res.redirect(303, `${req.baseUrl}${DEAD_LETTERS_PATH}?moved=${moved}`);
    } catch (error) {
      next(error);
    }
  });
  return router;
}

/** A form post from our own page: its Origin names the host the request came to, or a known public host. */
function sameSite(origin: string | undefined, host: string | undefined, hosts: readonly string[]): boolean {
  if (origin === undefined) return false;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false;
  }
  return originHost === host || hosts.includes(originHost);
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function deadLettersPage(
  rows: readonly { deadLetter: string; source: string; waiting: number }[],
  moved: number | null,
  base: string,
): string {
  const body = rows
    .map(
      (r) => `<tr><td>${escapeHtml(r.deadLetter)}</td><td>${escapeHtml(r.source)}</td>
<td class="n" data-queue="${escapeHtml(r.deadLetter)}">${r.waiting}</td>
<td><form method="post" action="${escapeHtml(`${base}${DEAD_LETTERS_PATH}/${r.deadLetter}/redrive`)}">
<button type="submit" ${r.waiting === 0 ? 'disabled' : ''}>Redrive to ${escapeHtml(r.source)}</button></form></td></tr>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Dead letters</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}td,th{padding:.3rem .8rem;text-align:left}.n{text-align:right}</style>
</head><body><h1>Dead letters</h1>
<p>Jobs whose retries ran out wait here. Fix the cause, then redrive them to run again. Each job itself is in the
<a href="${escapeHtml(`${base}/jobs`)}">job dashboard</a>.</p>
${moved === null || Number.isNaN(moved) ? '' : `<p role="status">Moved ${moved} job${moved === 1 ? '' : 's'} back.</p>`}
<table><thead><tr><th>Dead-letter queue</th><th>From</th><th>Waiting</th><th></th></tr></thead>
<tbody>
${body}
</tbody></table></body></html>`;
}
