// A worker that reads byte ranges of one log (logWorkers.ts): it claims the next range, waits until the lines before
// it are counted, reads it with fresh state (logScan.ts) and sends the result back, until no range is left.
import { closeSync, openSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { scanRange } from './logScan';
import type { WorkerJob } from './logWorkers';
import { CLAIM_SLOT, waitForTurn } from './rangeTurns';

const job = workerData as WorkerJob;
const claims = new Int32Array(job.claims);
const linesBefore = new Float64Array(job.linesBefore);
const fd = openSync(job.file, 'r');
try {
  for (let index = Atomics.add(claims, CLAIM_SLOT, 1); index < job.ranges.length; index = Atomics.add(claims, CLAIM_SLOT, 1)) {
    waitForTurn(claims, index);
    scanRange(
      { index, fd, name: job.name, range: job.ranges[index], linesBefore: linesBefore[index], policy: job.policy, listening: job.listening },
      (message, transfer) => parentPort!.postMessage(message, transfer),
    );
  }
} finally {
  closeSync(fd);
}
