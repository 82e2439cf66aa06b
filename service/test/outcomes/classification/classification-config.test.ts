import { classificationConfigSchema, DEFAULT_CLASSIFICATION } from '@fundraising/shared';
import { describe, expect, it } from 'vitest';

describe('classificationConfigSchema', () => {
  it('fills every id with its documented default', () => {
    expect(classificationConfigSchema.parse({})).toEqual({
      pledgeAmount: 'pledge_amount',
      pledgeFrequency: 'pledge_frequency',
      callbackTime: 'callback_time',
      doNotCall: 'do_not_call',
      wrongNumber: 'wrong_number',
      voicemail: 'voicemail',
      declined: 'declined',
    });
    expect(DEFAULT_CLASSIFICATION).toEqual(classificationConfigSchema.parse({}));
  });

  it('matches the ids the sandbox agent collects and the composed contract examples', () => {
    // The demo and the end-to-end runs rely on these; changing a default means changing the sandbox too.
    expect(DEFAULT_CLASSIFICATION).toMatchObject({
      pledgeAmount: 'pledge_amount',
      callbackTime: 'callback_time',
      doNotCall: 'do_not_call',
      wrongNumber: 'wrong_number',
    });
  });

  it('keeps the ids a campaign sets, trimmed, and defaults the rest', () => {
    const config = classificationConfigSchema.parse({ pledgeAmount: ' gift_amount ', declined: null });
    expect(config).toMatchObject({ pledgeAmount: 'gift_amount', declined: null, doNotCall: 'do_not_call' });
  });

  it('rejects a blank id or one with spaces, naming the field', () => {
    const blank = classificationConfigSchema.safeParse({ doNotCall: '  ' });
    expect(blank.success).toBe(false);
    expect(blank.error?.issues[0]?.path).toEqual(['doNotCall']);
    expect(classificationConfigSchema.safeParse({ callbackTime: 'call back time' }).success).toBe(false);
  });

  it('does not switch off an id the classifier cannot work without', () => {
    expect(classificationConfigSchema.safeParse({ pledgeAmount: null }).success).toBe(false);
  });

  it('drops keys it does not know rather than failing a stored setting', () => {
    expect(classificationConfigSchema.parse({ sentiment: 'mood' })).toEqual(DEFAULT_CLASSIFICATION);
  });
});
