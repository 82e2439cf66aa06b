import { CALL_OUTCOMES, RETRYABLE_OUTCOMES } from '@fundraising/shared';
import { describe, expect, it } from 'vitest';

describe('call outcomes', () => {
  it('lists every retryable outcome among the outcomes', () => {
    for (const o of RETRYABLE_OUTCOMES) expect(CALL_OUTCOMES).toContain(o);
  });
});
