/**
 * The OAuth scopes the app asks for, declared once. The install sends them in the authorize URL, and the HubSpot
 * project (crm-extension, `auth.requiredScopes` / `auth.optionalScopes` of the app) must list exactly the same:
 * HubSpot refuses an install whose requested scopes differ from the app's configuration.
 */
export const REQUIRED_SCOPES = [
  'oauth',
  // Lists to pick from and their memberships (campaign import).
  'crm.lists.read',
  // Contacts: import, dial-time do-not-call and consent checks. HubSpot's Calls API guide lists the contacts
  // scopes as what creating and searching Calls engagements requires, so there is no separate calls scope.
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  // The property group and properties the first-time setup creates.
  'crm.schemas.contacts.write',
  // The custom workflow action's callbacks.
  'automation',
] as const;

/** Asked for but not required: app events on the timeline work only once HubSpot approves the app for them. */
export const OPTIONAL_SCOPES = ['timeline'] as const;
