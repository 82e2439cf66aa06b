/**
 * Seeded randomness for the sandbox. Everything the fakes "decide" (a call's outcome, a fault, a demo contact's
 * name) is a pure function of a seed and a key, so a run can be replayed exactly and a test can predict it.
 * Not cryptographic: ids that must be unique across runs use node:crypto instead.
 */

/** 32-bit FNV-1a over the UTF-16 code units, then a murmur-style finaliser to spread nearby keys. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A stream of numbers in [0, 1) (mulberry32). */
export type Random = () => number;

export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A random stream determined by the key parts alone: same parts, same stream. */
export function randomFor(...parts: readonly (string | number)[]): Random {
  return mulberry32(hash32(parts.join('\u241f')));
}

/** One number in [0, 1) determined by the key parts. */
export function unitFor(...parts: readonly (string | number)[]): number {
  return randomFor(...parts)();
}

export function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new RangeError('pick from an empty list');
  return item;
}

/** An integer in [min, max]. */
export function intBetween(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** Picks a key with probability proportional to its weight. */
export function pickWeighted<K extends string>(unit: number, weights: Readonly<Record<K, number>>): K {
  const entries = Object.entries(weights) as [K, number][];
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let threshold = unit * total;
  for (const [key, weight] of entries) {
    if (threshold < weight) return key;
    threshold -= weight;
  }
  const last = entries[entries.length - 1];
  if (last === undefined) throw new RangeError('pickWeighted with no weights');
  return last[0];
}
