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
