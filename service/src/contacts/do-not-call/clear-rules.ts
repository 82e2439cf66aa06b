/**
 * What clearing a contact's do-not-call removes from the portal's list, by why each number is there. Pure.
 *
 * - manual, hubspot_property: a person's or the CRM's decision about this contact: removed.
 * - opted_out: the donor said so on a call. One click must not undo the donor's own words: the clear is refused
 *   unless the person says explicitly that they override it (consent obtained again, e.g. in writing).
 * - wrong_number: the number is not the donor's; clearing the donor changes nothing about that. Kept (the remedy is
 *   correcting the phone in HubSpot).
 * - anything else (a reason added later): kept; removing what we do not understand is the unsafe direction.
 * A number another contact's do-not-call still covers (a shared household line) is kept whatever its reason.
 */

export interface HeldSuppression {
  readonly phone: string;
  readonly reason: string;
  readonly source: string | null;
  /** Another contact of the portal has do-not-call on, covering this number. */
  readonly heldByOtherContact: boolean;
}

export type KeepReason = 'wrong_number' | 'held_by_another_contact' | 'unknown_reason';

export type ClearPlan =
  | { readonly kind: 'blocked_by_opt_out'; readonly optOuts: readonly HeldSuppression[] }
  | {
      readonly kind: 'clear';
      readonly remove: readonly HeldSuppression[];
      readonly keep: readonly { readonly suppression: HeldSuppression; readonly why: KeepReason }[];
    };

const CLEARABLE = new Set(['manual', 'hubspot_property']);

export function planClear(
  suppressions: readonly HeldSuppression[],
  options: { readonly overrideOptOut: boolean },
): ClearPlan {
  const optOuts = suppressions.filter((s) => s.reason === 'opted_out' && !s.heldByOtherContact);
  if (optOuts.length > 0 && !options.overrideOptOut) return { kind: 'blocked_by_opt_out', optOuts };
  const remove: HeldSuppression[] = [];
  const keep: { suppression: HeldSuppression; why: KeepReason }[] = [];
  for (const s of suppressions) {
    if (s.heldByOtherContact) keep.push({ suppression: s, why: 'held_by_another_contact' });
    else if (CLEARABLE.has(s.reason) || s.reason === 'opted_out') remove.push(s);
    else if (s.reason === 'wrong_number') keep.push({ suppression: s, why: 'wrong_number' });
    else keep.push({ suppression: s, why: 'unknown_reason' });
  }
  return { kind: 'clear', remove, keep };
}
