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

/**
 * Polls until `condition` holds, failing only when `progress` (a snapshot of what the system under test has done:
 * counts of rows by state, say) has not changed for `stallMs`: a busy machine that is slow but getting on is
 * waited for, a stuck system is reported. `timeoutMs` still caps the whole wait.
 */
export async function waitWhileProgressing(
  condition: () => boolean | Promise<boolean>,
  progress: () => string | Promise<string>,
  { stallMs = 60_000, timeoutMs = 15 * 60_000, intervalMs = 250, what = 'condition' } = {},
): Promise<void> {
  const started = Date.now();
  let last = await progress();
  let changedAt = Date.now();
  while (!(await condition())) {
    const now = Date.now();
    const current = await progress();
    if (current !== last) {
      last = current;
      changedAt = now;
    }
    if (now - changedAt > stallMs)
      throw new Error(`no progress for ${stallMs} ms waiting for ${what} (last state: ${last})`);
    if (now - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
