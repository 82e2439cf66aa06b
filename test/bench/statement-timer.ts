import type { Pool, PoolClient } from '../../service/src/db/pool.js';

type Query = (...args: unknown[]) => unknown;

/**
 * Times every statement a piece of code runs through a pool, by name: wrap a pool of its own (its clients stay
 * instrumented), hand the wrapper to the code under test, and read one tick's breakdown with take(). The
 * wrapper costs a performance.now() pair per statement, far below the resolution that matters here.
 */
export class StatementTimer {
  private readonly names: Map<string, string>;
  private readonly wrapped = new WeakSet<PoolClient>();
  private current = new Map<string, number>();

  /** `named`: SQL text or statement → the name to report it under (e.g. a module's exported statements). */
  constructor(named: Record<string, unknown>) {
    this.names = new Map(
      Object.entries(named).flatMap(([name, sql]) => {
        const text = typeof sql === 'object' && sql !== null && 'text' in sql ? sql.text : sql;
        return typeof text === 'string' ? [[text, name]] : [];
      }),
    );
  }

  wrap(pool: Pool): Pool {
    return new Proxy(pool, {
      get: (target, prop, receiver) => {
        if (prop !== 'connect') return Reflect.get(target, prop, receiver);
        return async () => {
          const started = performance.now();
          const client = await target.connect();
          this.record('pool.connect', performance.now() - started);
          this.instrument(client);
          return client;
        };
      },
    });
  }

  /** The milliseconds spent per statement since the last take(). */
  take(): Map<string, number> {
    const taken = this.current;
    this.current = new Map();
    return taken;
  }

  private instrument(client: PoolClient): void {
    if (this.wrapped.has(client)) return;
    this.wrapped.add(client);
    const original = client.query.bind(client) as Query;
    const timed: Query = (...args) => {
      // Callback-style calls (pg-pool's own pool.query) and query objects pass through untimed.
      if (typeof args[0] !== 'string' || args.some((a) => typeof a === 'function')) return original(...args);
      const started = performance.now();
      const done = () => this.record(this.nameOf(args[0]), performance.now() - started);
      return (original(...args) as Promise<unknown>).finally(done);
    };
    client.query = timed as unknown as PoolClient['query'];
  }

  private nameOf(text: unknown): string {
    if (typeof text !== 'string') return 'other';
    const named = this.names.get(text);
    if (named) return named;
    if (/^\s*(BEGIN|COMMIT|ROLLBACK)\b/i.test(text)) return text.trim().toUpperCase();
    if (text.includes('pg_try_advisory_xact_lock')) return 'advisory lock';
    return 'other (pg-boss insert)';
  }

  private record(name: string, elapsed: number): void {
    this.current.set(name, (this.current.get(name) ?? 0) + elapsed);
  }
}
