/**
 * HubSpot's own validators need an account and the network (`hs project upload`), so the repo checks its project
 * files itself: shapes as in HubSpot's 2025.2 component templates (hubspot-project-components/2025.2/components),
 * and names, URLs, scopes and versions equal to what the service and the shared package declare.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OPTIONAL_SCOPES, REQUIRED_SCOPES } from '../../service/src/install/scopes.js';
import {
  checkServiceUrl,
  configure,
  currentServiceUrl,
  PROJECT_ROOT,
  readServiceUrl,
  replaceServiceUrl,
} from '../scripts/configure.js';
import { SERVICE_URL } from '../src/app/lib/service-url.js';
import {
  createCampaignSchema,
  NOT_CALLED_REASONS,
  PLACE_CALL_ACTION_PATHS,
  PLACE_CALL_INPUT_FIELDS,
  PLACE_CALL_OUTPUT_FIELDS,
  WORKFLOW_OUTCOMES,
} from '../src/app/shared/index.js';
import { filesUnder, importService, REPO_ROOT, readHsmetaFiles, urlsIn } from './helpers/project-files.js';

/** Component types of the 2025.2 platform (hubspot-project-components/2025.2/components). */
const KNOWN_TYPES = [
  'app',
  'card',
  'page',
  'settings',
  'workflow-action',
  'webhooks',
  'app-event',
  'app-object',
] as const;

/** @hubspot/ui-extensions 0.17.0, dist/shared.synced/types/extension-points.synced.d.ts. */
const EXTENSION_POINT_LOCATIONS = [
  'crm.preview',
  'crm.record.sidebar',
  'crm.record.tab',
  'helpdesk.sidebar',
  'uie.playground.middle',
  'settings',
  'home',
  'pages',
  'crm.bulkActions',
];

/** The service's routes HubSpot calls (README "The HubSpot app"). */
const WEBHOOK_PATH = '/webhooks/hubspot';
const OAUTH_CALLBACK_PATH = '/oauth/callback';

const component = z.looseObject({
  uid: z.string().regex(/^[a-z][a-z0-9_]{2,63}$/, { error: 'expected a snake_case uid' }),
  type: z.enum(KNOWN_TYPES),
  config: z.looseObject({}),
});

const files = readHsmetaFiles();
// Files that do not parse or break the component shape are reported by the first test, not at load.
const components = files.flatMap((f) => {
  const parsed = component.safeParse(f.json);
  return parsed.success ? [{ file: f.file, ...parsed.data }] : [];
});
function only(type: (typeof KNOWN_TYPES)[number]) {
  const found = components.filter((c) => c.type === type);
  expect(
    found.map((c) => c.file),
    `exactly one ${type} component`,
  ).toHaveLength(1);
  return found[0]!;
}

const appConfig = z.looseObject({
  name: z.string().min(1),
  distribution: z.enum(['marketplace', 'private']),
  auth: z.looseObject({
    type: z.enum(['oauth', 'static']),
    redirectUrls: z.array(z.string()),
    requiredScopes: z.array(z.string()),
    optionalScopes: z.array(z.string()),
    conditionallyRequiredScopes: z.array(z.string()),
  }),
  permittedUrls: z.looseObject({
    fetch: z.array(z.string()),
    iframe: z.array(z.string()),
    img: z.array(z.string()),
  }),
});

const typeDefinition = z.looseObject({
  name: z.string(),
  type: z.enum(['string', 'number', 'bool', 'enumeration', 'date', 'datetime', 'phone_number']),
  fieldType: z.enum([
    'text',
    'textarea',
    'number',
    'select',
    'booleancheckbox',
    'date',
    'phonenumber',
    'file',
  ]),
  options: z.array(z.object({ value: z.string(), label: z.string().min(1) })).optional(),
  optionsUrl: z.string().optional(),
});
const workflowActionConfig = z.looseObject({
  actionUrl: z.string(),
  isPublished: z.boolean(),
  supportedClients: z.array(z.object({ client: z.string() })).min(1),
  inputFields: z.array(
    z.looseObject({
      typeDefinition,
      supportedValueTypes: z.array(z.enum(['STATIC_VALUE', 'OBJECT_PROPERTY'])).min(1),
      isRequired: z.boolean(),
    }),
  ),
  outputFields: z.array(z.looseObject({ typeDefinition })),
  objectRequestOptions: z.object({ properties: z.array(z.string()).min(1) }).optional(),
  labels: z.looseObject({
    en: z.looseObject({
      actionName: z.string().min(1),
      actionDescription: z.string().min(1),
      actionCardContent: z.string().min(1),
      inputFieldLabels: z.record(z.string(), z.string().min(1)),
      inputFieldDescriptions: z.record(z.string(), z.string().min(1)),
      outputFieldLabels: z.record(z.string(), z.string().min(1)),
    }),
  }),
  objectTypes: z.array(z.string()).min(1),
});

const subscription = z.looseObject({
  subscriptionType: z.string(),
  objectType: z.string().optional(),
  propertyName: z.string().optional(),
  active: z.boolean(),
});
const webhooksConfig = z.looseObject({
  settings: z.object({ targetUrl: z.string(), maxConcurrentRequests: z.number().int().min(5).max(100) }),
  subscriptions: z.object({
    crmObjects: z.array(subscription).optional(),
    legacyCrmObjects: z.array(subscription).optional(),
    hubEvents: z.array(subscription).optional(),
  }),
});

describe('the HubSpot project files', () => {
  it('every *-hsmeta.json parses, with a snake_case uid unique in the project and a known type', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const f of files) {
      expect(f.parseError, f.file).toBeNull();
      const parsed = component.safeParse(f.json);
      expect(parsed.success ? null : parsed.error.issues, f.file).toBeNull();
    }
    const uids = components.map((c) => c.uid);
    expect(new Set(uids).size, `duplicate uids in ${uids.join(', ')}`).toBe(uids.length);
  });

  it('has the components the extension is made of, with their uids, places and entry points', () => {
    const summary = components.map((c) => ({
      uid: c.uid,
      type: c.type,
      file: c.file,
      entrypoint: c.config.entrypoint,
      location: c.config.location,
      objectTypes: c.config.objectTypes,
    }));
    expect(summary).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          uid: 'ai_voice_fundraising_app',
          type: 'app',
          file: 'src/app/app-hsmeta.json',
        }),
        expect.objectContaining({
          uid: 'campaigns_home',
          type: 'page',
          file: 'src/app/pages/home-hsmeta.json',
          entrypoint: '/app/pages/Home.tsx',
          location: 'home',
        }),
        expect.objectContaining({
          uid: 'contact_ai_calls',
          type: 'card',
          file: 'src/app/cards/contact-tab-hsmeta.json',
          entrypoint: '/app/cards/ContactTab.tsx',
          location: 'crm.record.tab',
          objectTypes: ['contacts'],
        }),
        expect.objectContaining({
          uid: 'app_settings',
          type: 'settings',
          file: 'src/app/settings/settings-hsmeta.json',
          entrypoint: '/app/settings/SettingsPage.tsx',
        }),
        expect.objectContaining({
          uid: 'place_ai_call',
          type: 'workflow-action',
          file: 'src/app/workflow-actions/place-call-hsmeta.json',
          objectTypes: ['CONTACT'],
        }),
        expect.objectContaining({ type: 'webhooks', file: 'src/app/webhooks/webhooks-hsmeta.json' }),
      ]),
    );
    only('app');
  });

  it('every entrypoint is a .tsx/.jsx file under src/app that exists; cards and pages name a known location', () => {
    const withEntry = components.filter((c) => ['card', 'page', 'settings'].includes(c.type));
    expect(withEntry.length).toBeGreaterThanOrEqual(3);
    for (const c of withEntry) {
      const entrypoint = z
        .string()
        .regex(/^\/app\/[\w\-/]+\.(tsx|jsx)$/, { error: 'expected /app/….tsx' })
        .parse(c.config.entrypoint);
      expect(existsSync(path.join(PROJECT_ROOT, 'src', entrypoint)), `${c.file}: ${entrypoint}`).toBe(true);
      if (c.type !== 'settings') expect(EXTENSION_POINT_LOCATIONS, c.file).toContain(c.config.location);
    }
    const card = components.find((c) => c.type === 'card');
    expect(card?.config.name).toEqual(expect.any(String));
  });

  it('every URL in the project is https, permittedUrls.fetch included', () => {
    const app = appConfig.parse(only('app').config);
    expect(app.permittedUrls.fetch.length).toBeGreaterThan(0);
    for (const url of app.permittedUrls.fetch)
      expect(url, 'permittedUrls.fetch').toMatch(/^https:\/\/[^/\s]+/);
    for (const c of components)
      for (const { path: at, url } of urlsIn(c.config)) expect(url, `${c.file} ${at}`).toMatch(/^https:\/\//);
  });

  it('the service URL is the one in service.config.json, in service-url.ts and in every hsmeta', () => {
    expect(SERVICE_URL).toBe(readServiceUrl());
    expect(currentServiceUrl()).toBe(SERVICE_URL);
    for (const c of components)
      for (const { path: at, url } of urlsIn(c.config)) {
        // The support links are the organisation's pages, which may live anywhere.
        if (at.startsWith('support.')) continue;
        expect(`${url}/`.startsWith(`${SERVICE_URL}/`), `${c.file} ${at}: ${url}`).toBe(true);
      }
    const app = appConfig.parse(only('app').config);
    expect(app.permittedUrls.fetch).toEqual([SERVICE_URL]);
    expect(app.auth.redirectUrls).toEqual([`${SERVICE_URL}${OAUTH_CALLBACK_PATH}`]);
  });

  it("the app's scopes are the service's (service/src/install/scopes.ts)", () => {
    const app = appConfig.parse(only('app').config);
    expect(app.auth.type).toBe('oauth');
    expect(app.auth.requiredScopes).toEqual([...REQUIRED_SCOPES]);
    expect(app.auth.optionalScopes).toEqual([...OPTIONAL_SCOPES]);
  });

  it('src/app/package.json installs the versions crm-extension/package.json pins, exactly', () => {
    const pkg = z.object({ dependencies: z.record(z.string(), z.string()) });
    const project = pkg.parse(JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')));
    const app = pkg.parse(JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'src/app/package.json'), 'utf8')));
    const shared = pkg.parse(JSON.parse(readFileSync(path.join(REPO_ROOT, 'shared/package.json'), 'utf8')));
    for (const [name, version] of Object.entries(app.dependencies))
      expect(version, `${name}: an exact version`).toMatch(/^\d+\.\d+\.\d+$/);
    expect(project.dependencies.react).toBe('18.3.1');
    expect(project.dependencies['@hubspot/ui-extensions']).toMatch(/^\d+\.\d+\.\d+$/);
    // What the extension's code uses here is what HubSpot's build installs; zod is the shared schemas' version.
    expect(app.dependencies).toEqual({ ...project.dependencies, zod: shared.dependencies.zod });
  });

  it('src/app/shared/ is shared/src/ byte for byte (else: npm run hubspot:configure)', () => {
    const source = path.join(REPO_ROOT, 'shared/src');
    const copy = path.join(PROJECT_ROOT, 'src/app/shared');
    const names = filesUnder(source);
    expect(filesUnder(copy), 'stale copy: run npm run hubspot:configure').toEqual(names);
    for (const name of names)
      expect(
        readFileSync(path.join(copy, name)).equals(readFileSync(path.join(source, name))),
        `${name} differs: run npm run hubspot:configure`,
      ).toBe(true);
  });
});

describe('the "Place AI call" workflow action', () => {
  const action = () => workflowActionConfig.parse(only('workflow-action').config);

  it("calls the service's action route, for contacts, published to workflows", () => {
    const a = action();
    expect(a.actionUrl).toBe(`${SERVICE_URL}${PLACE_CALL_ACTION_PATHS.actionUrl}`);
    expect(a.objectTypes).toEqual(['CONTACT']);
    expect(a.isPublished).toBe(true);
    expect(a.supportedClients).toContainEqual({ client: 'WORKFLOWS' });
  });

  it("has shared's input fields: a required campaign dropdown from the options route, optional variables text", () => {
    const inputs = action().inputFields;
    expect(inputs.map((f) => f.typeDefinition.name)).toEqual(Object.values(PLACE_CALL_INPUT_FIELDS));
    const [campaign, variables] = inputs;
    expect(campaign).toMatchObject({
      isRequired: true,
      typeDefinition: {
        type: 'enumeration',
        fieldType: 'select',
        optionsUrl: `${SERVICE_URL}${PLACE_CALL_ACTION_PATHS.campaignOptionsUrl}`,
      },
    });
    expect(campaign?.typeDefinition.options).toBeUndefined();
    expect(variables).toMatchObject({ isRequired: false, typeDefinition: { type: 'string' } });
  });

  it("has shared's output fields; outcome and reason list exactly WORKFLOW_OUTCOMES and NOT_CALLED_REASONS", () => {
    const outputs = action().outputFields.map((f) => f.typeDefinition);
    expect(outputs.map((f) => f.name)).toEqual(Object.values(PLACE_CALL_OUTPUT_FIELDS));
    const byName = new Map(outputs.map((f) => [f.name, f]));
    const outcome = byName.get(PLACE_CALL_OUTPUT_FIELDS.outcome);
    expect(outcome?.type).toBe('enumeration');
    expect(outcome?.options?.map((o) => o.value)).toEqual([...WORKFLOW_OUTCOMES]);
    const reason = byName.get(PLACE_CALL_OUTPUT_FIELDS.reason);
    expect(reason?.type).toBe('enumeration');
    expect(reason?.options?.map((o) => o.value)).toEqual([...NOT_CALLED_REASONS]);
    expect(byName.get(PLACE_CALL_OUTPUT_FIELDS.pledgeAmount)?.type).toBe('number');
  });

  it('labels every input and output field in English', () => {
    const a = action();
    const en = a.labels.en;
    const inputs = a.inputFields.map((f) => f.typeDefinition.name);
    expect(Object.keys(en.inputFieldLabels).sort()).toEqual([...inputs].sort());
    expect(Object.keys(en.inputFieldDescriptions).sort()).toEqual([...inputs].sort());
    expect(Object.keys(en.outputFieldLabels).sort()).toEqual(
      a.outputFields.map((f) => f.typeDefinition.name).sort(),
    );
  });

  it('asks HubSpot for the contact properties the service reads for a default campaign', async () => {
    const mod = z
      .object({ contactPropertiesFor: z.custom<(c: unknown) => string[]>((v) => typeof v === 'function') })
      .parse(await importService('campaigns/import/normalize-contact.ts'));
    const defaults = createCampaignSchema.shape;
    const read = mod.contactPropertiesFor({
      consentProperty: defaults.consent.parse(undefined).property,
      dncProperty: defaults.doNotCallProperty.parse(undefined),
      variableProperties: defaults.variableProperties.parse(undefined),
    });
    expect([...(action().objectRequestOptions?.properties ?? [])].sort()).toEqual([...read].sort());
  });
});

describe('the webhook subscriptions', () => {
  const webhooks = () => webhooksConfig.parse(only('webhooks').config);
  const all = () => {
    const s = webhooks().subscriptions;
    return [...(s.crmObjects ?? []), ...(s.legacyCrmObjects ?? []), ...(s.hubEvents ?? [])];
  };

  it("target the service's webhook route", () => {
    expect(webhooks().settings.targetUrl).toBe(`${SERVICE_URL}${WEBHOOK_PATH}`);
  });

  it('use routes the service serves (webhooks and OAuth callback)', () => {
    const routes = (file: string) => readFileSync(path.join(REPO_ROOT, 'service/src', file), 'utf8');
    expect(routes('hubspot-webhooks/routes.ts')).toContain(`'${WEBHOOK_PATH}'`);
    expect(routes('install/routes.ts')).toContain(`'${OAUTH_CALLBACK_PATH}'`);
  });

  it('are active contact property changes of do-not-call and consent, deletion and privacy deletion', () => {
    const subscriptions = all();
    for (const s of subscriptions) expect(s.active, s.subscriptionType).toBe(true);
    const defaults = createCampaignSchema.shape;
    expect(
      subscriptions
        .filter((s) => s.subscriptionType === 'contact.propertyChange')
        .map((s) => s.propertyName)
        .sort(),
    ).toEqual(
      [defaults.consent.parse(undefined).property, defaults.doNotCallProperty.parse(undefined)].sort(),
    );
    expect(subscriptions.map((s) => s.subscriptionType)).toEqual(
      expect.arrayContaining(['contact.deletion', 'contact.privacyDeletion']),
    );
    expect(webhooks().subscriptions.hubEvents?.map((s) => s.subscriptionType)).toEqual([
      'contact.privacyDeletion',
    ]);
  });

  it('name only properties the service creates or campaigns use by default', async () => {
    const schema = z
      .object({
        CONTACT_PROPERTIES: z.array(z.looseObject({ name: z.string() })),
        DEFAULT_DNC_PROPERTY: z.string(),
      })
      .parse(await importService('writeback/crm-schema.ts'));
    const created = schema.CONTACT_PROPERTIES.map((p) => p.name);
    expect(created).toContain(schema.DEFAULT_DNC_PROPERTY);
    const defaults = createCampaignSchema.shape;
    const known = new Set([
      ...created,
      defaults.consent.parse(undefined).property,
      defaults.doNotCallProperty.parse(undefined),
    ]);
    for (const s of all())
      if (s.propertyName !== undefined) expect(known, s.propertyName).toContain(s.propertyName);
  });

  it('are all of a kind the service acts on (hubspot-webhooks/webhook-events.ts)', async () => {
    const events = z
      .object({
        kindOf: z.custom<(t: string, o: string | undefined) => string>((v) => typeof v === 'function'),
      })
      .parse(await importService('hubspot-webhooks/webhook-events.ts'));
    for (const s of all())
      expect(events.kindOf(s.subscriptionType, s.objectType === 'contact' ? '0-1' : undefined)).not.toBe(
        'other',
      );
  });
});

describe('npm run hubspot:configure', () => {
  const temps: string[] = [];
  afterEach(() => {
    for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A copy of crm-extension/ (without node_modules) and of shared/src/, side by side as in the repo. */
  function copyProject(): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'crm-extension-'));
    temps.push(dir);
    const root = path.join(dir, 'crm-extension');
    cpSync(PROJECT_ROOT, root, {
      recursive: true,
      filter: (src) => !src.split(path.sep).includes('node_modules'),
    });
    cpSync(path.join(REPO_ROOT, 'shared/src'), path.join(dir, 'shared/src'), { recursive: true });
    return root;
  }
  const setUrl = (root: string, serviceUrl: string) =>
    writeFileSync(path.join(root, 'service.config.json'), JSON.stringify({ serviceUrl }));

  it('writes a new https URL into every hsmeta and service-url.ts, leaving none of the old one', () => {
    const root = copyProject();
    setUrl(root, 'https://calls.lakeside.example/fundraising/');
    const result = configure({ root });
    expect(result.serviceUrl).toBe('https://calls.lakeside.example/fundraising');
    expect(result.files.sort()).toEqual(
      [
        'src/app/app-hsmeta.json',
        'src/app/webhooks/webhooks-hsmeta.json',
        'src/app/workflow-actions/place-call-hsmeta.json',
      ].sort(),
    );
    expect(currentServiceUrl(root)).toBe('https://calls.lakeside.example/fundraising');
    const copied = readHsmetaFiles(root);
    for (const f of copied) expect(JSON.stringify(f.json), f.file).not.toContain(SERVICE_URL);
    const byType = new Map(copied.map((f) => [component.parse(f.json).type, component.parse(f.json).config]));
    const action = workflowActionConfig.parse(byType.get('workflow-action'));
    expect(action.actionUrl).toBe(
      `https://calls.lakeside.example/fundraising${PLACE_CALL_ACTION_PATHS.actionUrl}`,
    );
    expect(action.inputFields[0]?.typeDefinition.optionsUrl).toBe(
      `https://calls.lakeside.example/fundraising${PLACE_CALL_ACTION_PATHS.campaignOptionsUrl}`,
    );
    expect(webhooksConfig.parse(byType.get('webhooks')).settings.targetUrl).toBe(
      `https://calls.lakeside.example/fundraising${WEBHOOK_PATH}`,
    );
    const app = appConfig.parse(byType.get('app'));
    expect(app.permittedUrls.fetch).toEqual(['https://calls.lakeside.example/fundraising']);
    expect(app.auth.redirectUrls).toEqual([
      `https://calls.lakeside.example/fundraising${OAUTH_CALLBACK_PATH}`,
    ]);
    // Run again: nothing left to change.
    expect(configure({ root }).files).toEqual([]);
  });

  it('refuses an http or local URL and changes nothing', () => {
    const root = copyProject();
    const before = readHsmetaFiles(root);
    for (const url of ['http://fundraising.example.org', 'https://localhost:3000', 'https://127.0.0.1', '']) {
      setUrl(root, url);
      expect(() => configure({ root }), url).toThrow(/serviceUrl/);
    }
    expect(readHsmetaFiles(root)).toEqual(before);
    expect(currentServiceUrl(root)).toBe(SERVICE_URL);
  });

  it('copies shared/src into src/app/shared, replacing a stale copy', () => {
    const root = copyProject();
    writeFileSync(path.join(root, 'src/app/shared/stale.ts'), 'export {};\n');
    configure({ root });
    expect(filesUnder(path.join(root, 'src/app/shared'))).toEqual(
      filesUnder(path.join(REPO_ROOT, 'shared/src')),
    );
  });

  it('replaces only whole URLs, and checks the URL it is given', () => {
    expect(
      replaceServiceUrl(
        '"https://a.org/x" "https://a.org" "https://a.org.evil/x"',
        'https://a.org',
        'https://b.org',
      ),
    ).toBe('"https://b.org/x" "https://b.org" "https://a.org.evil/x"');
    expect(checkServiceUrl(' https://a.org/ ')).toBe('https://a.org');
    expect(() => checkServiceUrl('https://a.org/?x=1')).toThrow(/https/);
    expect(() => checkServiceUrl(42)).toThrow(/https/);
  });
});
