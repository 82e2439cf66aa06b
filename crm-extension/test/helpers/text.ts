/** The text of a rendered node and everything inside it (the renderer's `.text` is the node's own text only). */
export function deepText(node: { text: string | null; childNodes?: readonly unknown[] } | null): string {
  if (node === null) return '';
  const children = (node.childNodes ?? []) as { text: string | null; childNodes?: readonly unknown[] }[];
  if (children.length === 0) return node.text ?? '';
  return children.map(deepText).join('');
}
