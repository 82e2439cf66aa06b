import { availableParallelism } from 'node:os';
import type { Benchmark, Figure, Headline, Target } from './bench-types.js';
import { ACCOUNT_CAP, IDLE_MS, runScaledOut, type ScaleOutRun, WINDOW_MS } from './scale-out-run.js';

/** Worker processes per configuration (each beside one web process); 1 is the baseline. */
const WORKER_COUNTS = [1, 2, 4] as const;
/** Up, then down again: a slow spell of the machine hits the small and the large configurations alike. */
const ORDER = [...WORKER_COUNTS, ...[...WORKER_COUNTS].reverse()];
/** A step to more workers "scales" when it adds at least this much... */
const SCALES = 1.1;
/**
 * ...unless Postgres was already the limit at the smaller count: the machine's cores this busy, and Postgres
 * the largest user of them (more service processes would only queue on it). Saturation by anything else (the
 * service, the fakes, another job on the machine) is a miss: the run did not show where scaling stops.
 */
const SATURATED = 0.9;

const round = (n: number, places = 1) => Math.round(n * 10 ** places) / 10 ** places;
const mean = (values: readonly number[]) => values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);

type Averaged = { readonly workers: number } & Omit<ScaleOutRun, 'workers' | 'cpu'> & ScaleOutRun['cpu'];

function average(runs: readonly ScaleOutRun[], workers: number): Averaged {
  const of = runs.filter((r) => r.workers === workers);
  const m = (pick: (r: ScaleOutRun) => number) => mean(of.map(pick));
  return {
    workers,
    dialsPerSecond: m((r) => r.dialsPerSecond),
    webhooksPerSecond: m((r) => r.webhooksPerSecond),
    outcomesPerSecond: m((r) => r.outcomesPerSecond),
    meanInFlight: m((r) => r.meanInFlight),
    maxInFlight: Math.max(...of.map((r) => r.maxInFlight)),
    dialledTwice: of.reduce((s, r) => s + r.dialledTwice, 0),
    peakConnections: Math.max(...of.map((r) => r.peakConnections)),
    transactionsPerSecond: m((r) => r.transactionsPerSecond),
    idleTransactionsPerSecond: m((r) => r.idleTransactionsPerSecond),
    machine: m((r) => r.cpu.machine),
    postgres: m((r) => r.cpu.postgres),
    service: m((r) => r.cpu.service),
    fakes: m((r) => r.cpu.fakes),
  };
}

function figuresOf(a: Averaged, base: Averaged): Figure[] {
  const label = `${a.workers} worker${a.workers === 1 ? '' : 's'}`;
  return [
    { label: `${label}: dials/s`, value: round(a.dialsPerSecond), unit: '/s' },
    { label: `${label}: webhooks/s (acknowledged)`, value: round(a.webhooksPerSecond), unit: '/s' },
    { label: `${label}: outcomes recorded/s`, value: round(a.outcomesPerSecond), unit: '/s' },
    {
      label: `${label}: dials/s vs 1 worker`,
      value: round(a.dialsPerSecond / base.dialsPerSecond, 2),
      unit: 'x',
    },
    {
      label: `${label}: webhooks/s vs 1 worker`,
      value: round(a.webhooksPerSecond / base.webhooksPerSecond, 2),
      unit: 'x',
    },
    { label: `${label}: calls in flight, mean`, value: round(a.meanInFlight), unit: `of ${ACCOUNT_CAP}` },
    {
      label: `${label}: DB transactions per call`,
      value: round(a.transactionsPerSecond / a.dialsPerSecond),
      unit: '',
    },
    { label: `${label}: DB transactions/s, idle`, value: round(a.idleTransactionsPerSecond, 0), unit: '/s' },
    {
      label: `${label}: cores busy, whole machine`,
      value: round(a.machine, 2),
      unit: `of ${availableParallelism()}`,
    },
    { label: `${label}: cores, Postgres`, value: round(a.postgres, 2), unit: '' },
    { label: `${label}: cores, web + workers`, value: round(a.service, 2), unit: '' },
    { label: `${label}: cores, sandbox fakes`, value: round(a.fakes, 2), unit: '' },
    {
      label: `${label}: cores, anything else`,
      value: round(Math.max(0, a.machine - a.postgres - a.service - a.fakes), 2),
      unit: '(this benchmark, other load)',
    },
    { label: `${label}: DB connections, peak`, value: a.peakConnections, unit: '' },
  ];
}

/** What the machine's busy cores went to at one worker count. */
function cpuSplit(a: Averaged): string {
  const other = Math.max(0, a.machine - a.postgres - a.service - a.fakes);
  return (
    `${a.workers} worker(s): ${round(a.machine, 2)} of ${availableParallelism()} cores busy: Postgres ` +
    `${round(a.postgres, 2)}, web + workers ${round(a.service, 2)}, fakes ${round(a.fakes, 2)}, other ${round(other, 2)}`
  );
}

/** Postgres was the limit: the machine saturated, with Postgres its largest user (see SATURATED). */
function postgresBound(a: Averaged): boolean {
  const other = Math.max(0, a.machine - a.postgres - a.service - a.fakes);
  return a.machine >= SATURATED * availableParallelism() && a.postgres >= Math.max(a.service, a.fakes, other);
}

/** One row per worker count: the 1-worker rate is the baseline; each larger count must scale or hit Postgres. */
function headlinesOf(averaged: readonly Averaged[], unit: string, rate: (a: Averaged) => number): Headline[] {
  const [base] = averaged;
  if (!base) return [];
  return averaged.map((a, i): Headline => {
    const before = averaged[i - 1];
    const goal = `≥ ${SCALES}x the count before, until Postgres is the limit`;
    if (!before) {
      return {
        figure: 'scale-out',
        part: `${a.workers} worker, ${unit}`,
        measured: round(rate(a)),
        unit,
        baseline: null,
        comparison: 'the baseline',
        goal: '—',
        pass: null,
      };
    }
    const step = rate(a) / rate(before);
    const limited = postgresBound(before);
    return {
      figure: 'scale-out',
      part: `${a.workers} workers, ${unit}`,
      measured: round(rate(a)),
      unit,
      baseline: { value: round(rate(base)), unit, what: '1 worker process', source: 'same run' },
      comparison:
        `${round(rate(a) / rate(base), 2)}x 1 worker` +
        (before === base ? '' : `, ${round(step, 2)}x ${before.workers} workers`) +
        (limited
          ? `; at ${before.workers}, Postgres already the limit (${round(before.postgres, 2)} of ` +
            `${round(before.machine, 2)} busy cores, their largest user)`
          : ''),
      goal,
      pass: step >= SCALES || limited,
      evidence: `${cpuSplit(before)}; ${cpuSplit(a)}`,
    };
  });
}

/**
 * How far one Postgres carries the service on this machine: dials/s and post-call webhooks/s with 1, 2 and 4
 * worker processes (+1 web process) on one database, each beside the 1-worker baseline of the same run, and
 * where the CPU went (Postgres, the service's processes, the fakes) to say what the limit was.
 */
export const scaleOutBenchmark: Benchmark = {
  name: 'scale-out',
  description: `dials/s and webhooks/s with ${WORKER_COUNTS.join(', ')} worker processes + 1 web process on one Postgres`,
  async run(ctx) {
    const runs: ScaleOutRun[] = [];
    for (const workers of ORDER) {
      const db = await ctx.createDatabase();
      try {
        runs.push(await runScaledOut(db, workers, ctx.log));
      } finally {
        await db.drop();
      }
    }
    const averaged = WORKER_COUNTS.map((n) => average(runs, n));
    const [base] = averaged;
    if (!base) throw new Error('no baseline run');
    const broken = runs.filter((r) => r.maxInFlight > ACCOUNT_CAP || r.dialledTwice > 0).length;
    const targets: Target[] = [
      {
        label: 'runs over the account cap or with an attempt dialled twice',
        measured: broken,
        limit: 0,
        unit: '',
        relation: '<=',
        pass: broken === 0,
      },
    ];
    return {
      figures: averaged.flatMap((a) => figuresOf(a, base)),
      headlines: [
        ...headlinesOf(averaged, 'dials/s', (a) => a.dialsPerSecond),
        ...headlinesOf(averaged, 'webhooks/s', (a) => a.webhooksPerSecond),
      ],
      targets,
      notes: [
        `Runs in the order ${ORDER.join(', ')} workers, each on a fresh database with the sandbox fakes in a process of`,
        `their own (calls 200x faster, no HubSpot rate limit), 1 web + N worker processes (SERVICE_ROLE), 2 campaigns`,
        `of 2,500 donors, account cap ${ACCOUNT_CAP}, 50 dials/s per caller number; each figure is the mean of the two`,
        `runs of a count, measured over ${WINDOW_MS / 1000} s after a 5 s warm-up;`,
        `idle transactions over ${IDLE_MS / 1000} s with the campaigns paused. Dials from the fake ElevenLabs' record, webhooks`,
        'acknowledged (200) by the web process from its delivery record, outcomes recorded by the workers from our',
        'table: each call is one dial and one webhook, so in a steady run the three agree. Calls in flight far under',
        'the cap mean the service, not the cap, was the limit. Cores: this run’s Postgres server (its postmaster and',
        'backends), the web + worker processes, the fakes process; "anything else" is this benchmark and other load:',
        'when it is large, another job shared the machine and the run is noisy. "Scaled" compares each count with the',
        `one before; a step that did not scale passes only if Postgres was the limit before it (machine >= ${SATURATED * 100}% busy,`,
        'Postgres its largest user).',
      ],
      details: { runs },
    };
  },
};
