/**
 * The first message as a donor would hear it: `{{variable}}` replaced by the contact property the campaign maps it
 * to. ElevenLabs substitutes dynamic variables the same way when the call starts; a variable with no value is left
 * visible (`{{first_name}}`) so the fundraiser sees what is missing instead of a silent gap.
 */

const VARIABLE = /\{\{\s*([a-zA-Z][a-zA-Z0-9_]*)\s*\}\}/g;

/** The distinct variable names a message uses, in order of first use. */
export function variablesIn(template: string): string[] {
  const names: string[] = [];
  for (const match of template.matchAll(VARIABLE)) {
    const name = match[1];
    if (name !== undefined && !names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * `template` with each `{{variable}}` replaced by `properties[mapping[variable]]`; unmapped or empty values keep
 * the placeholder.
 */
export function renderMessage(
  template: string,
  mapping: Readonly<Record<string, string>>,
  properties: Readonly<Record<string, string | null>>,
): string {
  return template.replace(VARIABLE, (placeholder, name: string) => {
    const property = mapping[name];
    const value = property === undefined ? undefined : properties[property];
    return value === undefined || value === null || value.trim() === '' ? placeholder : value;
  });
}

/** The contact properties a preview must read: the mapped ones, without duplicates or blanks. */
export function mappedProperties(mapping: Readonly<Record<string, string>>): string[] {
  return [...new Set(Object.values(mapping).map((p) => p.trim()))].filter((p) => p !== '').sort();
}
