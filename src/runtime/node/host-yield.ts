/**
 * Lets the host event loop run once (setImmediate), which drains every queued promise
 * continuation. The simulator calls it between two virtual events so that `await`s inside server
 * code and scenarios complete at the virtual instant they were resolved; it reads no clock and
 * adds no nondeterminism (microtask order is fixed by the program).
 */
export function yieldToHost(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
