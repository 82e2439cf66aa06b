import { describe, expect, it } from 'vitest';
import { nulCharacterPath, parseJsonText } from '../../src/core/json-text.js';

describe('JSON text and NUL characters', () => {
  it('finds the first NUL in a string or a key, with its path', () => {
    expect(nulCharacterPath({ a: 'x', b: { c: ['ok', 'n\u0000'] } })).toBe('b.c[1]');
    expect(nulCharacterPath([{ e: 1 }, { 'k\u0000': 1 }])).toBe('[1].k\u0000');
    expect(nulCharacterPath('\u0000')).toBe('');
    expect(nulCharacterPath({ a: 'x', b: [1, true, null] })).toBeNull();
  });

  it('walks a nest deeper than the stack would allow a recursive walk', () => {
    const depth = 200_000;
    const nested = JSON.parse(`${'['.repeat(depth)}"\\u0000"${']'.repeat(depth)}`);
    expect(nulCharacterPath(nested)).toBe('[0]'.repeat(depth));
  });

  it('mends NULs in webhook bodies instead (they are stored, never resent)', () => {
    expect(parseJsonText('{"a":"x\\u0000","b":"\\\\u0000"}')).toEqual({ a: 'x\ufffd', b: '\\u0000' });
  });
});
