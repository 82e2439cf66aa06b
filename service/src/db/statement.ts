import type { Queryable } from './pool.js';

/**
 * A named SQL statement declared with the row type it returns and the parameters it takes, so the types sit next
 * to the SQL they describe and call sites need no casts. Features keep theirs in `<feature>/queries.ts`.
 */
export interface Statement<Row, Params extends readonly unknown[]> {
  readonly text: string;
  /** Carries the types only; never set. */
  readonly types?: { readonly row: Row; readonly params: Params };
}

/** The row type a statement returns, for code that passes its rows on: `RowOf<typeof q.LOAD_ATTEMPT>`. */
export type RowOf<S> = S extends Statement<infer Row, readonly unknown[]> ? Row : never;

export function sql<Row = Record<string, never>, Params extends readonly unknown[] = []>(
  text: string,
): Statement<Row, Params> {
  return { text };
}

/** Every row the statement returns. */
export async function queryRows<Row, Params extends readonly unknown[]>(
  db: Queryable,
  statement: Statement<Row, Params>,
  params: Params,
): Promise<Row[]> {
  return (await db.query(statement.text, [...params])).rows as Row[];
}

/** The first row, or undefined. */
export async function queryRow<Row, Params extends readonly unknown[]>(
  db: Queryable,
  statement: Statement<Row, Params>,
  params: Params,
): Promise<Row | undefined> {
  return (await queryRows(db, statement, params))[0];
}

/** Runs a statement for its effect; returns how many rows it touched. */
export async function execute<Params extends readonly unknown[]>(
  db: Queryable,
  statement: Statement<unknown, Params>,
  params: Params,
): Promise<number> {
  return (await db.query(statement.text, [...params])).rowCount ?? 0;
}
