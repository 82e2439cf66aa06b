import { definedProperty, type ObjectSchema, type PropertyGroup } from './properties.js';

/**
 * The Calls object's property definitions in a sandbox portal: the HubSpot-defined ones an app writes on a call
 * engagement, and nothing custom until the app creates it. A call created with a property missing here is refused,
 * as HubSpot refuses it, so an app that forgets to create its own calls property fails in the sandbox too.
 */

const CALL_GROUP = 'callinformation';

/** hs_call_status values HubSpot accepts. */
const CALL_STATUSES = [
  'BUSY',
  'CALLING_CRM_USER',
  'CANCELED',
  'COMPLETED',
  'CONNECTING',
  'FAILED',
  'IN_PROGRESS',
  'MISSED',
  'NO_ANSWER',
  'QUEUED',
  'RINGING',
];

const options = (values: readonly string[]) =>
  values.map((value, displayOrder) => ({ label: value, value, displayOrder }));

function initialCallProperties() {
  const props = [
    definedProperty('hs_object_id', 'Record ID', 'number', 'number', CALL_GROUP),
    definedProperty('hs_createdate', 'Create Date', 'datetime', 'date', CALL_GROUP),
    definedProperty('hs_lastmodifieddate', 'Last Modified Date', 'datetime', 'date', CALL_GROUP),
    definedProperty('hs_timestamp', 'Activity date', 'datetime', 'date', CALL_GROUP),
    definedProperty('hubspot_owner_id', 'Activity assigned to', 'enumeration', 'select', CALL_GROUP),
    definedProperty('hs_call_title', 'Call Title', 'string', 'text', CALL_GROUP),
    definedProperty('hs_call_body', 'Call notes', 'string', 'html', CALL_GROUP),
    definedProperty('hs_call_duration', 'Call duration', 'number', 'number', CALL_GROUP),
    definedProperty('hs_call_from_number', 'From Number', 'string', 'text', CALL_GROUP),
    definedProperty('hs_call_to_number', 'To Number', 'string', 'text', CALL_GROUP),
    definedProperty('hs_call_recording_url', 'Recording URL', 'string', 'text', CALL_GROUP),
    // Outcome GUIDs are configured per portal; like hs_timezone, any value is accepted (no options listed).
    definedProperty('hs_call_disposition', 'Call outcome', 'enumeration', 'select', CALL_GROUP),
    {
      ...definedProperty('hs_call_direction', 'Call direction', 'enumeration', 'select', CALL_GROUP),
      options: options(['INBOUND', 'OUTBOUND']),
    },
    {
      ...definedProperty('hs_call_status', 'Call status', 'enumeration', 'select', CALL_GROUP),
      options: options(CALL_STATUSES),
    },
  ];
  return new Map(props.map((p) => [p.name, p]));
}

export function callSchema(): ObjectSchema {
  const group: PropertyGroup = {
    name: CALL_GROUP,
    label: 'Call information',
    displayOrder: -1,
    archived: false,
  };
  return { properties: initialCallProperties(), groups: new Map([[group.name, group]]) };
}
