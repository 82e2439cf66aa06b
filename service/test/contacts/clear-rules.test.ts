import { describe, expect, it } from 'vitest';
import { type HeldSuppression, planClear } from '../../src/contacts/index.js';

const held = (reason: string, phone = '+12025550100', heldByOtherContact = false): HeldSuppression => ({
  phone,
  reason,
  source: 'x',
  heldByOtherContact,
});

describe('what clearing do-not-call removes', () => {
  it('removes what a person or the HubSpot property put on the list', () => {
    const plan = planClear([held('manual', '+1'), held('hubspot_property', '+2')], { overrideOptOut: false });
    expect(plan).toEqual({
      kind: 'clear',
      remove: [held('manual', '+1'), held('hubspot_property', '+2')],
      keep: [],
    });
  });

  it('refuses while the donor’s own opt-out is there, and names those numbers', () => {
    const plan = planClear([held('manual', '+1'), held('opted_out', '+2')], { overrideOptOut: false });
    expect(plan).toEqual({ kind: 'blocked_by_opt_out', optOuts: [held('opted_out', '+2')] });
  });

  it('removes the opt-out only with the explicit override', () => {
    const plan = planClear([held('opted_out')], { overrideOptOut: true });
    expect(plan).toEqual({ kind: 'clear', remove: [held('opted_out')], keep: [] });
  });

  it('never removes a wrong number, nor a reason it does not know, even with the override', () => {
    const plan = planClear([held('wrong_number', '+1'), held('court_order', '+2')], { overrideOptOut: true });
    expect(plan).toEqual({
      kind: 'clear',
      remove: [],
      keep: [
        { suppression: held('wrong_number', '+1'), why: 'wrong_number' },
        { suppression: held('court_order', '+2'), why: 'unknown_reason' },
      ],
    });
  });

  it('keeps a line another contact’s do-not-call covers, and such an opt-out does not block the clear', () => {
    const shared = held('opted_out', '+1', true);
    const plan = planClear([shared, held('manual', '+2')], { overrideOptOut: false });
    expect(plan).toEqual({
      kind: 'clear',
      remove: [held('manual', '+2')],
      keep: [{ suppression: shared, why: 'held_by_another_contact' }],
    });
  });

  it('has nothing to do for a contact with nothing on the list', () => {
    expect(planClear([], { overrideOptOut: false })).toEqual({ kind: 'clear', remove: [], keep: [] });
  });
});
