import {
  callNowResponseSchema,
  campaignOptionsRequestSchema,
  dynamicVariablesFieldSchema,
  placeCallExecutionSchema,
} from '@fundraising/shared';
import { describe, expect, it } from 'vitest';

/** The docs' example execution, with our action's inputs. */
const execution = {
  callbackId: 'ap-102670506-56777914962-11-0',
  origin: {
    portalId: 102670506,
    actionDefinitionId: 10860211,
    actionDefinitionVersion: 1,
    extensionDefinitionId: 10860211,
    extensionDefinitionVersionId: 1,
  },
  context: { source: 'WORKFLOWS', workflowId: 192814114 },
  object: { objectId: 614, objectType: 'CONTACT' },
  inputFields: {
    campaign_id: '2d8b6a52-2c4f-4a53-8f4e-6b1f7d1f6f00',
    dynamic_variables: '{"appeal":"winter"}',
  },
};

const issuePath = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  result.error?.issues[0]?.path.join('.');

describe('the workflow action’s wire shapes', () => {
  it('reads HubSpot’s execution, keeping fields it adds later', () => {
    const parsed = placeCallExecutionSchema.parse({ ...execution, somethingNew: true });
    expect(parsed.object.objectId).toBe('614');
    expect(parsed.inputFields.dynamic_variables).toEqual({ appeal: 'winter' });
    expect(parsed.context?.workflowId).toBe(192814114);
  });

  it('names the field at fault', () => {
    const without = { ...execution, inputFields: { dynamic_variables: '' } };
    expect(issuePath(placeCallExecutionSchema.safeParse(without))).toBe('inputFields.campaign_id');
    const deal = { ...execution, object: { objectId: 1, objectType: 'DEAL' } };
    expect(issuePath(placeCallExecutionSchema.safeParse(deal))).toBe('object.objectType');
    expect(issuePath(placeCallExecutionSchema.safeParse({ ...execution, callbackId: '' }))).toBe(
      'callbackId',
    );
    const badVariables = {
      ...execution,
      inputFields: { ...execution.inputFields, dynamic_variables: '{oops' },
    };
    expect(issuePath(placeCallExecutionSchema.safeParse(badVariables))).toBe('inputFields.dynamic_variables');
  });

  it('takes dynamic variables as a JSON object of text, numbers and booleans, or nothing', () => {
    expect(dynamicVariablesFieldSchema.parse('')).toEqual({});
    expect(dynamicVariablesFieldSchema.parse('  ')).toEqual({});
    expect(dynamicVariablesFieldSchema.parse('{"match":50,"vip":true,"appeal":"winter"}')).toEqual({
      match: '50',
      vip: 'true',
      appeal: 'winter',
    });
    // A \u0000 escape is a NUL in the value, which the jsonb column refuses (found by the fuzz suite: a 500).
    for (const bad of [
      '[1]',
      '"text"',
      '{"Bad Name":"x"}',
      '{"nested":{"a":1}}',
      '{"n":null}',
      '{"a":"x\\u0000"}',
    ]) {
      expect(dynamicVariablesFieldSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('reads an options request as the docs show it', () => {
    const parsed = campaignOptionsRequestSchema.parse({
      origin: { portalId: 1, actionDefinitionId: 2, actionDefinitionVersion: 3 },
      objectTypeId: '0-1',
      inputFieldName: 'campaign_id',
      inputFields: { dynamic_variables: { type: 'STATIC_VALUE', value: '' } },
      fetchOptions: { q: 'spring', after: '50' },
    });
    expect(parsed.fetchOptions).toEqual({ q: 'spring', after: '50' });
  });

  it('answers call-now either dialling or refused with the rule and when', () => {
    expect(
      callNowResponseSchema.parse({
        status: 'refused',
        campaignId: 'c',
        contactId: '1',
        rule: 'outside_window',
        message: 'outside',
        nextAllowedAt: '2026-12-02T14:00:00.000Z',
      }).status,
    ).toBe('refused');
    expect(
      callNowResponseSchema.safeParse({ status: 'refused', campaignId: 'c', contactId: '1', rule: 'x' })
        .success,
    ).toBe(false);
  });
});
