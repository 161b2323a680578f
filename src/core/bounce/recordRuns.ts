// Records beyond the memory budget: when the store holds more than `recordLimits.bytes`, its rows are written to a
// temporary file sorted by key (a run) and the store starts empty. At the end the runs and the last store are read
// together in key order, like the merge of an external sort, and the rows of one address are joined in the order of
// the input (aggregate.ts). Memory then stays within the budget however many addresses failed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { StoredRecord, TimeCode } from './recordStore';
import { runRows, RunWriter } from './runFormat';

/** The store's bytes past which its rows go to a run: SMTP_DIAG_RECORD_BYTES when set (benchmarks), else 16 MB
 * (tests make it small). Until a collection frees it, the store just written stays in memory beside the new one. */
export const recordLimits = { bytes: Number(process.env.SMTP_DIAG_RECORD_BYTES) > 0 ? Number(process.env.SMTP_DIAG_RECORD_BYTES) : 16 << 20 };

/** One address's row as a run keeps it: numbers, its record (none for an address only delivered to) and its
 * times as InputTable codes. */
export interface RunRow {
  readonly key: string;
  readonly count: number;
  readonly lastFailure: number;
  readonly deliveredAt: number;
  readonly priorDelivery: number;
  readonly record?: StoredRecord;
  readonly time: TimeCode;
  /** FIRST, LAST, PENDING_FIRST, PENDING_LAST; present from the second failure on. */
  readonly span?: readonly TimeCode[];
}

/** Runs read at once at most: the sixty-fifth is first made of the sixty-four (their rows in order, not joined). */
const MAX_RUNS = 64;

function* flattened(groups: Iterable<RunRow[]>): Generator<RunRow> {
  for (const group of groups) yield* group;
}

export class RecordRuns {
  private directory: string | undefined;
  private files: string[] = [];
  private made = 0;

  get count(): number {
    return this.files.length;
  }

  /** Writes rows sorted by key as the next run. */
  write(rows: Iterable<RunRow>): void {
    if (this.files.length >= MAX_RUNS) {
      const runs = this.files.splice(0);
      this.files.push(this.written(flattened(this.grouped(runs.map(runRows)))));
      for (const file of runs) rmSync(file, { force: true });
    }
    this.files.push(this.written(rows));
  }

  /** A new run file of `rows`. */
  private written(rows: Iterable<RunRow>): string {
    if (this.directory === undefined) {
      this.directory = mkdtempSync(path.join(tmpdir(), 'smtp-diag-records-'));
      // A process that exits before the records are taken (the CLI on Ctrl+C, see cli.ts) leaves no folder behind.
      process.once('exit', this.removeAtExit);
    }
    const file = path.join(this.directory, `run-${this.made++}`);
    const writer = new RunWriter(file);
    try {
      for (const row of rows) writer.write(row);
    } finally {
      writer.close();
    }
    return file;
  }

  /**
   * The rows of every run, then of `last` (sorted by key too), grouped by key in key order: each group holds an
   * address's rows in the order of the runs, which is the order of the input.
   */
  merged(last: Iterable<RunRow>): Generator<RunRow[]> {
    return this.grouped([...this.files.map(runRows), last[Symbol.iterator]()]);
  }

  /** The rows of `sources` (each sorted by key; a key may have several rows, in the input's order) grouped by key. */
  private *grouped(sources: Iterator<RunRow>[]): Generator<RunRow[]> {
    const heads = sources.map((source) => source.next());
    for (;;) {
      let key: string | undefined;
      for (const head of heads) if (!head.done && (key === undefined || head.value.key < key)) key = head.value.key;
      if (key === undefined) return;
      const group: RunRow[] = [];
      for (let index = 0; index < heads.length; index++) {
        for (let head = heads[index]; !head.done && head.value.key === key; head = heads[index]) {
          group.push(head.value);
          heads[index] = sources[index].next();
        }
      }
      yield group;
    }
  }

  private readonly removeAtExit = () => this.dispose();

  /** Removes the run files. */
  dispose(): void {
    if (this.directory) rmSync(this.directory, { recursive: true, force: true });
    this.directory = undefined;
    this.files = [];
    process.off('exit', this.removeAtExit);
  }
}
