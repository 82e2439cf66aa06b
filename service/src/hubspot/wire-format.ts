import { z } from 'zod';
import type {
  AppEventOccurrence,
  BatchItemError,
  CallEngagementInput,
  ListSummary,
  PropertyDefinition,
} from './types.js';

/**
 * HubSpot's JSON on the wire, both ways: response schemas (lenient to fields we do not use, strict on the ones
 * we do) and request bodies built from our types. Field names checked against @hubspot/api-client 14.0.1 models.
 */

/** HUBSPOT_DEFINED association type "call to contact" (AssociationTypes.callToContact in the SDK). */
export const CALL_TO_CONTACT_ASSOCIATION = 194;

const idString = z.union([z.string(), z.number().transform(String)]);
const countValue = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);

const listShape = z.object({
  listId: idString,
  name: z.string(),
  processingType: z.string(),
  objectTypeId: z.string(),
  size: countValue.optional(),
  additionalProperties: z.record(z.string(), z.unknown()).optional(),
});

export const listSearchResponse = z.object({
  lists: z.array(listShape),
  hasMore: z.boolean(),
  offset: z.number(),
});

export const listFetchResponse = z.object({ list: listShape });

export const membershipsResponse = z.object({
  results: z.array(z.object({ recordId: idString })),
  paging: z.object({ next: z.object({ after: z.string() }).optional() }).optional(),
  // The list's size; optional in the API, and only progress information: a strange value must not fail a page.
  total: z.number().int().min(0).optional().catch(undefined),
});

const batchError = z.object({
  message: z.string(),
  category: z.string().optional(),
  context: z.record(z.string(), z.unknown()).optional(),
});

/** 200 and 207 (BatchResponseSimplePublicObject / ...WithErrors) share this shape; errors only on a 207. */
export const batchResponse = z.object({
  results: z.array(
    z.object({
      id: idString,
      properties: z.record(z.string(), z.string().nullable()).optional(),
      objectWriteTraceId: z.string().optional(),
    }),
  ),
  errors: z.array(batchError).optional(),
});

/** POST /crm/v3/objects/{type}/search (CollectionResponseWithTotalSimplePublicObjectForwardPaging). */
export const searchResponse = z.object({
  results: z.array(
    z.object({ id: idString, properties: z.record(z.string(), z.string().nullable()).optional() }),
  ),
  paging: z.object({ next: z.object({ after: z.string() }).optional() }).optional(),
});

export function toListSummary(list: z.infer<typeof listShape>): ListSummary {
  // A fetched list has `size`; search results carry it as the additional property hs_list_size.
  const fromSearch = countValue.safeParse(list.additionalProperties?.hs_list_size);
  return {
    listId: list.listId,
    name: list.name,
    processingType: list.processingType,
    objectTypeId: list.objectTypeId,
    size: list.size ?? (fromSearch.success ? fromSearch.data : null),
  };
}

const stringList = z.array(z.string());

/** A batch error names its records in context.ids (or context.id); one error can cover several. */
export function expandBatchErrors(errors: z.infer<typeof batchError>[] | undefined): BatchItemError[] {
  return (errors ?? []).flatMap((e): BatchItemError[] => {
    const named = stringList.safeParse(e.context?.ids ?? e.context?.id);
    const ids = named.success ? named.data : [];
    return ids.length === 0
      ? [{ id: null, message: e.message }]
      : ids.map((id) => ({ id, message: e.message }));
  });
}

/** One input of POST /crm/v3/objects/calls/batch/create (SimplePublicObjectBatchInputForCreate). */
export function callCreateInput(call: CallEngagementInput): Record<string, unknown> {
  return {
    properties: {
      ...call.extraProperties,
      hs_timestamp: call.timestamp.toISOString(),
      hs_call_title: call.title,
      hs_call_body: call.body,
      hs_call_direction: call.direction,
      hs_call_status: call.status,
      // Milliseconds, as a string like every property value.
      hs_call_duration: String(Math.max(0, Math.round(call.durationMs))),
      hs_call_to_number: call.toNumber,
      hs_call_from_number: call.fromNumber,
      ...(call.recordingUrl === undefined ? {} : { hs_call_recording_url: call.recordingUrl }),
      ...(call.dispositionId === undefined ? {} : { hs_call_disposition: call.dispositionId }),
    },
    associations: [
      {
        to: { id: call.contactId },
        types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: CALL_TO_CONTACT_ASSOCIATION }],
      },
    ],
    objectWriteTraceId: call.idempotencyKey,
  };
}

/** POST /crm/v3/properties/{objectType} (PropertyCreate). */
export function propertyCreateBody(property: PropertyDefinition, groupName: string): Record<string, unknown> {
  return {
    name: property.name,
    label: property.label,
    type: property.type,
    fieldType: property.fieldType,
    groupName,
    ...(property.description === undefined ? {} : { description: property.description }),
    ...(property.options === undefined
      ? {}
      : {
          options: property.options.map((o, i) => ({
            label: o.label,
            value: o.value,
            displayOrder: o.displayOrder ?? i,
            hidden: o.hidden ?? false,
          })),
        }),
  };
}

/** POST /integrators/timeline/v4/events. */
export function appEventBody(event: AppEventOccurrence): Record<string, unknown> {
  return {
    eventTypeName: event.eventTypeName,
    objectId: event.objectId,
    id: event.id,
    ...(event.timestamp === undefined ? {} : { timestamp: event.timestamp }),
    properties: event.properties,
  };
}
