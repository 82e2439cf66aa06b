/** Polls an observable condition until it holds or the timeout passes. For conditions with no event to await. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  { timeoutMs = 5_000, intervalMs = 25, what = 'condition' } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
