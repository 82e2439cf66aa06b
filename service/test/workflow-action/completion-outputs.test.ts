import { placeCallOutputsSchema } from '@fundraising/shared';
import { describe, expect, it } from 'vitest';
import {
  amountText,
  completionOf,
  MAX_OUTPUT_LENGTH,
  notCalled,
} from '../../src/workflow-action/completion-outputs.js';
import { campaignRefusal, mergeVariables } from '../../src/workflow-action/enrolment-rules.js';

describe('what a finished enrolment tells its workflow', () => {
  it('gives a pledge its amount, frequency and summary, as strings', () => {
    const done = completionOf({
      kind: 'called',
      outcome: 'pledged',
      pledgeAmount: 50,
      pledgeFrequency: 'monthly',
      callbackAt: null,
      summary: '  Pledged $50 a month.  ',
    });
    expect(done).toEqual({
      outputs: {
        outcome: 'pledged',
        pledge_amount: '50',
        pledge_frequency: 'monthly',
        summary: 'Pledged $50 a month.',
      },
      executionState: 'SUCCESS',
    });
    expect(placeCallOutputsSchema.parse(done.outputs)).toEqual(done.outputs);
  });

  it('gives a callback request its time, and leaves out what is not known', () => {
    expect(
      completionOf({ kind: 'called', outcome: 'callback_requested', callbackAt: '2026-12-02T23:00:00.000Z' }),
    ).toEqual({
      outputs: { outcome: 'callback_requested', callback_time: '2026-12-02T23:00:00.000Z' },
      executionState: 'SUCCESS',
    });
    expect(
      completionOf({ kind: 'called', outcome: 'no_answer', summary: '   ', pledgeAmount: null }).outputs,
    ).toEqual({
      outcome: 'no_answer',
    });
  });

  it('writes amounts as plain decimals, never in exponent notation, and drops non-positive ones', () => {
    expect(amountText(12.5)).toBe('12.5');
    expect(amountText(100)).toBe('100');
    expect(amountText(0.1 + 0.2)).toBe('0.3');
    expect(amountText(1234567.891)).toBe('1234567.89');
    expect(amountText(1e21)).not.toMatch(/e/);
    expect(amountText(0)).toBeUndefined();
    expect(amountText(-5)).toBeUndefined();
    expect(amountText(Number.NaN)).toBeUndefined();
  });

  it('cuts a summary at the length HubSpot keeps rather than losing the completion', () => {
    const summary = 'x'.repeat(MAX_OUTPUT_LENGTH + 10);
    expect(completionOf({ kind: 'called', outcome: 'declined', summary }).outputs.summary).toHaveLength(
      MAX_OUTPUT_LENGTH,
    );
  });

  it('reads a row that somehow finished without an outcome as a failed call', () => {
    expect(completionOf({ kind: 'called', outcome: null }).outputs.outcome).toBe('failed');
    expect(completionOf({ kind: 'called', outcome: 'something new' }).outputs.outcome).toBe('failed');
  });

  it('says why a skipped contact was not called, in the workflow’s words', () => {
    const cases = [
      ['no_phone', 'no_phone'],
      ['invalid_phone', 'invalid_phone'],
      ['suppressed', 'do_not_call'],
      ['no_consent', 'no_consent'],
      ['no_time_zone', 'no_time_zone'],
      ['duplicate_phone', 'duplicate_phone'],
    ] as const;
    for (const [skipReason, reason] of cases) {
      expect(completionOf({ kind: 'skipped', skipReason })).toEqual({
        outputs: { outcome: 'not_called', reason },
        executionState: 'SUCCESS',
      });
    }
  });

  it('marks the action failed (and lets the workflow go on) when the campaign or install is the problem', () => {
    for (const reason of [
      'campaign_not_found',
      'campaign_cancelled',
      'campaign_completed',
      'portal_not_connected',
    ] as const) {
      expect(notCalled(reason)).toEqual({
        outputs: { outcome: 'not_called', reason },
        executionState: 'FAIL_CONTINUE',
      });
    }
    expect(notCalled('contact_not_found').executionState).toBe('SUCCESS');
  });
});

describe('which campaigns take enrolments', () => {
  it('takes them while the campaign can still call, holding them until launch or resume', () => {
    for (const status of ['draft', 'importing', 'ready', 'active', 'paused'] as const) {
      expect(campaignRefusal(status)).toBeNull();
    }
  });

  it('refuses an unknown, cancelled or completed campaign, saying which', () => {
    expect(campaignRefusal(null)).toBe('campaign_not_found');
    expect(campaignRefusal('cancelled')).toBe('campaign_cancelled');
    expect(campaignRefusal('completed')).toBe('campaign_completed');
  });

  it("lets the workflow's dynamic variables win over the contact's", () => {
    expect(
      mergeVariables({ first_name: 'Ada', appeal: 'spring' }, { appeal: 'winter', match: '50' }),
    ).toEqual({
      first_name: 'Ada',
      appeal: 'winter',
      match: '50',
    });
  });
});
