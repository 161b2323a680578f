// The turns of the threads that read one log's byte ranges (logWorkers.ts, logWorker.ts), in shared memory: the next
// range to claim, the ranges merged so far, and per range whether the lines before it are counted.

export const CLAIM_SLOT = 0;
export const MERGED_SLOT = 1;
/** How many ranges a thread may read past the last one merged, at present (aheadFor). */
export const AHEAD_SLOT = 2;
export const countedSlot = (index: number) => 3 + index;

/**
 * Ranges a thread may read past the last one merged. The merge is the slower part: without a bound a worker ran ahead
 * and its results waited in memory (535 MB of RSS on the 1.33 GB benchmark log, against 259 MB on one thread).
 */
export const RANGES_AHEAD = 4;

/** Bytes of results the ranges read ahead may hold, about. */
const AHEAD_BYTES = 48 << 20;

/**
 * Ranges to read ahead when a range's results take `rangeResultBytes`: RANGES_AHEAD, fewer when they are big. On a
 * log of nothing but failures a range's results are mostly events, and four ranges ahead peaked at 351-357 MB of RSS
 * (one thread: 155 MB); one range ahead, 237 MB.
 */
export function aheadFor(rangeResultBytes: number): number {
  return Math.max(1, Math.min(RANGES_AHEAD, Math.floor(AHEAD_BYTES / Math.max(1, rangeResultBytes))));
}

/** Blocks a worker until the range `index` may be read: its lines before are counted, and it is less than the
 * ranges ahead allowed past the ranges merged (the wait is cut into slices, so a worker that is ended never waits
 * long). */
export function waitForTurn(claims: Int32Array, index: number): void {
  Atomics.wait(claims, countedSlot(index), 0);
  for (let merged = Atomics.load(claims, MERGED_SLOT); index >= merged + Atomics.load(claims, AHEAD_SLOT); merged = Atomics.load(claims, MERGED_SLOT)) {
    Atomics.wait(claims, MERGED_SLOT, merged, 100);
  }
}
