/** Reads a value deep inside parsed JSON without casts at every step: at(body, 'data', 'user_id'). */
export function at(value: unknown, ...path: readonly (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** at(), for values that must be arrays. */
export function arrayAt(value: unknown, ...path: readonly (string | number)[]): unknown[] {
  const found = at(value, ...path);
  if (!Array.isArray(found)) throw new TypeError(`expected an array at ${path.join('.')}`);
  return found;
}
