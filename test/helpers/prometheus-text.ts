/**
 * A strict parser of the Prometheus text exposition format (0.0.4), for tests: every line must be a HELP, a TYPE,
 * a comment, blank, or a sample `name{label="value",...} value [timestamp]` by the format's grammar; families are
 * declared once and before their samples, their samples are contiguous, series are unique, counters are not
 * negative, and histograms are whole (every bucket has `le`, buckets are cumulative, +Inf equals _count, _sum
 * is there). Any violation throws with the line number.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Family {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string | undefined;
  readonly samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set<MetricType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Record<MetricType, readonly string[]> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const closed = new Set<string>();
  const seenSeries = new Set<string>();
  const typed = new Set<string>();
  let current: string | null = null;
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();

  const family = (name: string, lineNo: number): Family => {
    let f = families.get(name);
    if (!f) {
      f = { name, type: 'untyped', help: undefined, samples: [] };
      families.set(name, f);
    }
    if (current !== name) {
      if (closed.has(name)) throw new Error(`line ${lineNo}: family ${name} is not contiguous`);
      if (current !== null) closed.add(current);
      current = name;
    }
    return f;
  };

  lines.forEach((line, i) => {
    const lineNo = i + 1;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line);
      if (!m) return; // a plain comment
      const [, kind, name = '', rest = ''] = m;
      if (!METRIC_NAME.test(name)) throw new Error(`line ${lineNo}: bad metric name ${name}`);
      const f = family(name, lineNo);
      if (kind === 'HELP') {
        if (f.help !== undefined) throw new Error(`line ${lineNo}: second HELP for ${name}`);
        (f as { help: string | undefined }).help = unescapeHelp(rest, lineNo);
      } else {
        if (!TYPES.has(rest as MetricType)) throw new Error(`line ${lineNo}: unknown type "${rest}"`);
        if (f.samples.length > 0) throw new Error(`line ${lineNo}: TYPE of ${name} after its samples`);
        if (typed.has(name)) throw new Error(`line ${lineNo}: second TYPE for ${name}`);
        typed.add(name);
        (f as { type: MetricType }).type = rest as MetricType;
      }
      return;
    }
    const sample = parseSample(line, lineNo);
    const owner = ownerOf(sample.name, families, current);
    const f = family(owner, lineNo);
    const suffix = sample.name.slice(owner.length);
    if (!SUFFIXES[f.type].includes(suffix))
      throw new Error(`line ${lineNo}: ${sample.name} does not belong to ${f.type} ${owner}`);
    const key = `${sample.name}{${Object.entries(sample.labels)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(',')}}`;
    if (seenSeries.has(key)) throw new Error(`line ${lineNo}: duplicate series ${key}`);
    seenSeries.add(key);
    if (f.type === 'counter' && !(sample.value >= 0))
      throw new Error(`line ${lineNo}: counter ${sample.name} is ${sample.value}`);
    if (f.type === 'histogram' && suffix === '_bucket' && sample.labels.le === undefined)
      throw new Error(`line ${lineNo}: bucket without le`);
    f.samples.push(sample);
  });
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f);
  return families;
}

/** A sample's family: the current family when the name is one of its series, else the name itself. */
function ownerOf(name: string, families: Map<string, Family>, current: string | null): string {
  for (const candidate of [current, ...families.keys()]) {
    if (candidate === null) continue;
    const f = families.get(candidate);
    if (f && SUFFIXES[f.type].some((s) => candidate + s === name)) return candidate;
  }
  return name;
}

function parseSample(line: string, lineNo: number): Sample {
  let pos = 0;
  const fail = (why: string): never => {
    throw new Error(`line ${lineNo}: ${why} at column ${pos + 1}: ${line}`);
  };
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (!nameMatch) return fail('expected a metric name');
  const name = nameMatch[0];
  pos = name.length;
  const labels: Record<string, string> = {};
  if (line[pos] === '{') {
    pos += 1;
    while (line[pos] !== '}') {
      const labelMatch = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(pos));
      if (!labelMatch || !LABEL_NAME.test(labelMatch[0])) return fail('expected a label name');
      const label = labelMatch[0];
      pos += label.length;
      if (line[pos] !== '=' || line[pos + 1] !== '"') return fail('expected ="');
      pos += 2;
      let value = '';
      for (;;) {
        const c = line[pos];
        if (c === undefined) return fail('unterminated label value');
        if (c === '"') break;
        if (c === '\\') {
          const e = line[pos + 1];
          if (e === '\\') value += '\\';
          else if (e === '"') value += '"';
          else if (e === 'n') value += '\n';
          else return fail('bad escape');
          pos += 2;
        } else {
          value += c;
          pos += 1;
        }
      }
      pos += 1;
      if (label in labels) return fail(`label ${label} twice`);
      labels[label] = value;
      if (line[pos] === ',') pos += 1;
      else if (line[pos] !== '}') return fail('expected , or }');
    }
    pos += 1;
  }
  if (line[pos] !== ' ') return fail('expected a space before the value');
  const rest = line.slice(pos + 1).split(' ');
  if (rest.length < 1 || rest.length > 2) return fail('expected a value and an optional timestamp');
  const value = parseValue(rest[0] ?? '');
  if (value === null) return fail(`bad value "${rest[0]}"`);
  if (rest[1] !== undefined && !/^-?\d+$/.test(rest[1])) return fail('bad timestamp');
  return { name, labels, value };
}

function parseValue(text: string): number | null {
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return null;
  return Number(text);
}

function unescapeHelp(text: string, lineNo: number): string {
  return text.replace(/\\(.?)/g, (_m, c: string) => {
    if (c === '\\') return '\\';
    if (c === 'n') return '\n';
    throw new Error(`line ${lineNo}: bad escape in HELP`);
  });
}

function checkHistogram(f: Family): void {
  const groups = new Map<string, { buckets: [number, number][]; sum?: number; count?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b)));
    const g = groups.get(key) ?? { buckets: [] };
    groups.set(key, g);
    if (s.name.endsWith('_bucket')) g.buckets.push([parseValue(le ?? '') ?? Number.NaN, s.value]);
    else if (s.name.endsWith('_sum')) g.sum = s.value;
    else g.count = s.value;
  }
  for (const [key, g] of groups) {
    const where = `${f.name}${key}`;
    if (g.sum === undefined || g.count === undefined) throw new Error(`${where}: _sum or _count missing`);
    const sorted = [...g.buckets].sort(([a], [b]) => a - b);
    const last = sorted[sorted.length - 1];
    if (!last || last[0] !== Number.POSITIVE_INFINITY) throw new Error(`${where}: no +Inf bucket`);
    if (last[1] !== g.count) throw new Error(`${where}: +Inf bucket ${last[1]} is not _count ${g.count}`);
    sorted.reduce((prev, [, n]) => {
      if (n < prev) throw new Error(`${where}: buckets are not cumulative`);
      return n;
    }, 0);
  }
}

/** The value of one series (labels matched exactly on the ones given); 0 when absent. */
export function sampleValue(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string> = {},
): number {
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name !== name) continue;
      if (Object.entries(labels).every(([k, v]) => s.labels[k] === v)) return s.value;
    }
  }
  return 0;
}

/** The sum of every series of a name whose labels include the ones given. */
export function sumOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}) {
  let total = 0;
  for (const f of families.values())
    for (const s of f.samples)
      if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) total += s.value;
  return total;
}
