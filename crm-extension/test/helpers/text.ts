/** The text of a rendered node and everything inside it (the renderer's `.text` is the node's own text only). */
export function deepText(node: { text: string | null; childNodes?: readonly unknown[] } | null): string {
  if (node === null) return '';
  const children = (node.childNodes ?? []) as { text: string | null; childNodes?: readonly unknown[] }[];
  if (children.length === 0) return node.text ?? '';
  return children.map(deepText).join('');
}

/**
 * An event's argument for `trigger`: 0.17's typings ask for the handler's type there (`TProps[eventProp]`), while
 * the renderer passes the value to the handler, as HubSpot does.
 */
export const eventArg = <T>(value: unknown): T => value as T;
