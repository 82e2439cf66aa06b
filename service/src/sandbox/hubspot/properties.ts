import { z } from 'zod';

/**
 * Property definitions of a sandbox portal, per object type: for contacts, HubSpot's defaults the app reads, the
 * food bank's own donor properties, and whatever the app creates (calls are in call-properties.ts). Writes
 * are checked against them as HubSpot does: a property that does not exist, or a value that does not fit its
 * type, fails the whole request.
 */

export const propertyOptionSchema = z.object({
  label: z.string(),
  value: z.string(),
  displayOrder: z.number().int().optional(),
  hidden: z.boolean().optional(),
  description: z.string().optional(),
});

export const propertyCreateSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be lower case letters, digits and underscores'),
  label: z.string().min(1),
  type: z.enum(['string', 'number', 'date', 'datetime', 'enumeration', 'bool', 'phone_number']),
  fieldType: z.enum([
    'text',
    'textarea',
    'number',
    'date',
    'select',
    'radio',
    'checkbox',
    'booleancheckbox',
    'calculation_equation',
    'phonenumber',
    'file',
    'html',
  ]),
  groupName: z.string().min(1),
  description: z.string().optional(),
  options: z.array(propertyOptionSchema).optional(),
  displayOrder: z.number().int().optional(),
  hasUniqueValue: z.boolean().optional(),
  hidden: z.boolean().optional(),
  formField: z.boolean().optional(),
  externalOptions: z.boolean().optional(),
});
export type PropertyCreate = z.output<typeof propertyCreateSchema>;

export const groupCreateSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be lower case letters, digits and underscores'),
  label: z.string().min(1),
  displayOrder: z.number().int().optional(),
});
export type GroupCreate = z.output<typeof groupCreateSchema>;

export interface PropertyDefinition extends PropertyCreate {
  readonly createdAt: string;
  readonly hubspotDefined: boolean;
}

export interface PropertyGroup extends GroupCreate {
  readonly archived: false;
}

/** The object types the sandbox keeps properties for. */
export type SchemaObjectType = 'contacts' | 'calls';

/** One object type's property groups and property definitions in a portal. */
export interface ObjectSchema {
  readonly properties: Map<string, PropertyDefinition>;
  readonly groups: Map<string, PropertyGroup>;
}

const EPOCH = '2026-01-01T00:00:00.000Z';

export function definedProperty(
  name: string,
  label: string,
  type: PropertyCreate['type'],
  fieldType: PropertyCreate['fieldType'],
  groupName: string,
  hubspotDefined = true,
): PropertyDefinition {
  const options =
    type === 'bool'
      ? [
          { label: 'Yes', value: 'true', displayOrder: 0 },
          { label: 'No', value: 'false', displayOrder: 1 },
        ]
      : [];
  return { name, label, type, fieldType, groupName, options, createdAt: EPOCH, hubspotDefined };
}

function initialContactGroups(): Map<string, PropertyGroup> {
  const groups: PropertyGroup[] = [
    { name: 'contactinformation', label: 'Contact information', displayOrder: -1, archived: false },
    { name: 'donor_information', label: 'Donor information', displayOrder: 5, archived: false },
  ];
  return new Map(groups.map((g) => [g.name, g]));
}

function initialContactProperties(): Map<string, PropertyDefinition> {
  const props = [
    definedProperty('hs_object_id', 'Record ID', 'number', 'number', 'contactinformation'),
    definedProperty('createdate', 'Create Date', 'datetime', 'date', 'contactinformation'),
    definedProperty('lastmodifieddate', 'Last Modified Date', 'datetime', 'date', 'contactinformation'),
    definedProperty('firstname', 'First Name', 'string', 'text', 'contactinformation'),
    definedProperty('lastname', 'Last Name', 'string', 'text', 'contactinformation'),
    definedProperty('email', 'Email', 'string', 'text', 'contactinformation'),
    definedProperty('phone', 'Phone Number', 'string', 'phonenumber', 'contactinformation'),
    definedProperty('mobilephone', 'Mobile Phone Number', 'string', 'phonenumber', 'contactinformation'),
    definedProperty('hs_timezone', 'Time Zone', 'enumeration', 'select', 'contactinformation'),
    definedProperty('state', 'State/Region', 'string', 'text', 'contactinformation'),
    definedProperty('country', 'Country/Region', 'string', 'text', 'contactinformation'),
    definedProperty('last_gift_amount', 'Last gift amount', 'number', 'number', 'donor_information', false),
    definedProperty('last_gift_date', 'Last gift date', 'date', 'date', 'donor_information', false),
    definedProperty(
      'fundraising_do_not_call',
      'Do not call (fundraising)',
      'bool',
      'booleancheckbox',
      'donor_information',
      false,
    ),
    definedProperty(
      'ai_call_consent',
      'Consents to AI calls',
      'bool',
      'booleancheckbox',
      'donor_information',
      false,
    ),
  ];
  return new Map(props.map((p) => [p.name, p]));
}

export function contactSchema(): ObjectSchema {
  return { properties: initialContactProperties(), groups: initialContactGroups() };
}

/** What HubSpot stores for a written value (everything is a string), or a problem. */
export function coerceValue(
  def: PropertyDefinition,
  value: unknown,
): { ok: true; value: string | null } | { ok: false; error: string; message: string } {
  if (value === null || value === '') return { ok: true, value: null };
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : null;
  const bad = (message: string) => ({ ok: false as const, error: 'INVALID_OPTION', message });
  if (text === null) return bad(`${JSON.stringify(value)} is not a valid value for ${def.name}`);
  switch (def.type) {
    case 'number':
      return Number.isFinite(Number(text))
        ? { ok: true, value: text }
        : bad(`${text} was not a valid number.`);
    case 'bool':
      return text === 'true' || text === 'false'
        ? { ok: true, value: text }
        : bad(`${text} was not one of the allowed options: [true, false]`);
    case 'enumeration': {
      const options = def.options ?? [];
      // hs_timezone's options are HubSpot's long slug list; the sandbox accepts any slug-shaped value there.
      if (options.length === 0) return { ok: true, value: text };
      const allowed = options.map((o) => o.value);
      const chosen = def.fieldType === 'checkbox' ? text.split(';') : [text];
      const wrong = chosen.find((c) => !allowed.includes(c));
      return wrong === undefined
        ? { ok: true, value: text }
        : bad(`${wrong} was not one of the allowed options: [${allowed.join(', ')}]`);
    }
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(text) || /^\d+$/.test(text)
        ? { ok: true, value: text }
        : bad(`${text} is not a valid date.`);
    case 'datetime':
      return Number.isFinite(Date.parse(text)) || /^\d+$/.test(text)
        ? { ok: true, value: text }
        : bad(`${text} is not a valid datetime.`);
    default:
      return { ok: true, value: text };
  }
}

export function propertyWire(def: PropertyDefinition) {
  return {
    name: def.name,
    label: def.label,
    type: def.type,
    fieldType: def.fieldType,
    description: def.description ?? '',
    groupName: def.groupName,
    options: def.options ?? [],
    displayOrder: def.displayOrder ?? -1,
    calculated: false,
    externalOptions: def.externalOptions ?? false,
    hasUniqueValue: def.hasUniqueValue ?? false,
    hidden: def.hidden ?? false,
    hubspotDefined: def.hubspotDefined,
    modificationMetadata: {
      archivable: !def.hubspotDefined,
      readOnlyDefinition: def.hubspotDefined,
      readOnlyValue: false,
    },
    formField: def.formField ?? false,
    createdAt: def.createdAt,
    updatedAt: def.createdAt,
    archived: false,
  };
}

export function groupWire(group: PropertyGroup) {
  return { name: group.name, label: group.label, displayOrder: group.displayOrder ?? -1, archived: false };
}
