/**
 * Webhook bodies are stored verbatim as text and parsed here, in Node, never by Postgres: valid JSON may carry
 * what Postgres cannot hold in text or jsonb values (a `\u0000` escape) or nest deeper than its stack allows.
 */

/** A `\u0000` escape that is not itself escaped (preceded by an even number of backslashes). */
const NUL_ESCAPE = /(?<=(?:^|[^\\])(?:\\\\)*)\\u0000/g;

/**
 * Parses JSON text with every NUL character in its strings turned into U+FFFD, so that no value taken from it
 * can fail a Postgres write. Done on the text, not on the parsed tree: a walk (or a JSON.parse reviver) overflows
 * the stack on deeply nested input that JSON.parse itself reads fine. Throws on malformed JSON.
 */
export function parseJsonText(text: string): unknown {
  return JSON.parse(text.includes('\\u0000') ? text.replace(NUL_ESCAPE, '\\ufffd') : text);
}

/**
 * Where the first NUL character (U+0000) is in a parsed JSON value, in a string or a key: `fetchOptions.q`,
 * `[0].propertyName`, '' for the root itself; null when there is none. Iterative, so a deep nest cannot overflow the
 * stack. For inputs that are refused rather than mended (parseJsonText's way, for webhooks that are never resent).
 */
export function nulCharacterPath(value: unknown): string | null {
  const stack: { node: unknown; path: string }[] = [{ node: value, path: '' }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (typeof node === 'string') {
      if (node.includes('\u0000')) return path;
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    const children: { node: unknown; path: string }[] = [];
    if (Array.isArray(node)) {
      node.forEach((child: unknown, i) => {
        children.push({ node: child, path: `${path}[${i}]` });
      });
    } else {
      for (const [key, child] of Object.entries(node)) {
        const at = path === '' ? key : `${path}.${key}`;
        if (key.includes('\u0000')) return at;
        children.push({ node: child, path: at });
      }
    }
    // Reversed onto the stack, so the first one in the document is found first.
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return null;
}
