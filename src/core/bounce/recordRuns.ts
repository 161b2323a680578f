// Records beyond the memory budget: when the store holds more than `recordLimits.bytes`, its rows are written to a
// temporary file sorted by key (a run, sortedRuns.ts) and the store starts empty. At the end the runs and the last
// store are read together in key order, and the rows of one address are joined in the order of the input
// (aggregate.ts). Memory then stays within the budget however many addresses failed.
import type { StoredRecord, TimeCode } from './recordStore';
import { RowCodec, SortedRuns } from './sortedRuns';

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

/** A row's numbers (its span's four codes last, zero when it has none) and texts: its key, then its record's, in this
 * order (the record's names all present, or none). */
export const RUN_ROW_CODEC: RowCodec<RunRow> = {
  encode(row) {
    const { record } = row;
    const span = row.span ?? [];
    const numbers = [row.count, row.lastFailure, row.deliveredAt, row.priorDelivery, record?.line ?? 0, row.time[0], row.time[1], row.span ? 1 : 0];
    for (let index = 0; index < 4; index++) numbers.push(span[index]?.[0] ?? 0, span[index]?.[1] ?? 0);
    const texts = record
      ? [row.key, record.address, record.status, record.reply, record.type, record.reason, record.rule, record.source, record.diagnostic, record.remoteMta, record.messageId, record.file]
      : [row.key];
    return { numbers, texts };
  },
  decode(numbers, texts) {
    const [count, lastFailure, deliveredAt, priorDelivery, line, timeKind, timeValue, hasSpan] = numbers;
    const code = (index: number): TimeCode => [numbers[8 + 2 * index], numbers[9 + 2 * index]];
    const [key, address, status, reply, type, reason, rule, source, diagnostic, remoteMta, messageId, file] = texts;
    const record: StoredRecord | undefined = texts.length > 1 ? {
      address: address!, status, reply, type: type as StoredRecord['type'], reason: reason as StoredRecord['reason'], rule: rule as StoredRecord['rule'],
      source: source as StoredRecord['source'], diagnostic: diagnostic!, remoteMta, messageId, file: file!, line,
    } : undefined;
    return {
      key: key!, count, lastFailure, deliveredAt, priorDelivery, record, time: [timeKind, timeValue],
      span: hasSpan === 1 ? [code(0), code(1), code(2), code(3)] : undefined,
    };
  },
};

/** The aggregator's runs. */
export class RecordRuns extends SortedRuns<RunRow> {
  constructor() {
    super(RUN_ROW_CODEC, 'smtp-diag-records-');
  }
}
