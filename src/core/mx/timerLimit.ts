// Node's setTimeout waits at most 2^31−1 ms; asked for longer, it fires after 1 ms instead (TimeoutOverflowWarning).
// Every timeout a user gives is checked against that, so a huge value is an error rather than an instant timeout.

export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Why `ms` cannot be a timeout, as the end of a sentence; undefined when it can. */
export function timeoutProblem(ms: number): string | undefined {
  if (!Number.isInteger(ms) || ms < 1) return 'is not a whole number of milliseconds of at least 1';
  if (ms > MAX_TIMER_MS) return `is longer than ${MAX_TIMER_MS} ms (about 24.8 days), the longest time Node.js can wait`;
  return undefined;
}

/** Throws a RangeError naming `what` when `ms` cannot be a timeout. */
export function assertTimeoutMs(ms: number, what: string): void {
  const problem = timeoutProblem(ms);
  if (problem) throw new RangeError(`${what} ${ms} ${problem}.`);
}
