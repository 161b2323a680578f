// The bounce report as plain data: what BounceReport computes and every view renders (Markdown, terminal text, the
// editor's webview, which gets it as JSON). Types only, so the webview bundle can import them without the engine.
import type { ReasonCategory } from '../knowledge/types';
import type { FailureKind } from './failureKind';

/** The columns a failure is counted in (failureKindOf), in the order every view shows them. */
export const COLUMNS: readonly FailureKind[] = ['hard', 'review', 'soft', 'deferred', 'inbound'];
export type Column = FailureKind;
/** The columns of our own failures over time: inbound rejects are other servers' mail. */
export const TIMELINE_COLUMNS = ['hard', 'review', 'soft', 'deferred'] as const;
export type TimelineColumn = typeof TIMELINE_COLUMNS[number];

/** A line of an input: `file` is the input's name as the engine read it (a path, or a URI for unsaved text). */
export interface SourceLine {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
}

export type ColumnCounts = Record<Column, number>;

/** The most frequent diagnostic of a row, addresses, IP addresses and ids masked. */
export interface TopDiagnostic {
  readonly text: string;
  /** The count it surely has. */
  readonly count: number;
  /** True when it may have more (it took over the place of a pattern that was forgotten). */
  readonly atLeast: boolean;
}

export interface ReportRow extends ColumnCounts {
  readonly key: string;
  readonly total: number;
  readonly topDiagnostic?: TopDiagnostic;
  /** A line with the top diagnostic, else the row's first line. */
  readonly example: SourceLine;
}

export type TableId = 'domains' | 'codes' | 'reasons' | 'hosts';

export interface ReportTable {
  readonly id: TableId;
  readonly heading: string;
  /** What a row's key is ("domain"), for a column header. */
  readonly keyName: string;
  /** The busiest rows, most failures first (inbound rejects included, as counted). */
  readonly rows: readonly ReportRow[];
  /** The rows not shown, summed up; undefined when all are shown. `estimated`: the table had so many keys that it
   * counted the busiest as it went and summed the others here; `rows` is then an estimate, and a shown row may lack a
   * few failures from before it was among the busiest. */
  readonly rest?: ColumnCounts & { readonly rows: number; readonly estimated?: boolean };
  /** The keys with most of our own failures (inbound rejects left out), for a chart. */
  readonly top: readonly ({ readonly key: string } & Record<TimelineColumn, number>)[];
}

export type TimeUnit = 'hour' | 'day' | 'month';

export interface TimeBucket extends Record<TimelineColumn, number> {
  /** Start of the bucket as "2026-11-27T09:00", the clock the sources wrote. */
  readonly start: string;
  readonly label: string;
}

export interface Timeline {
  readonly unit: TimeUnit;
  /** Every bucket from the first failure's to the last's, empty ones included. */
  readonly buckets: readonly TimeBucket[];
  /** Failures whose time is not known (no stamp, or one that is no date). */
  readonly undated: number;
  /** Some stamps had no year (syslog): it was inferred from when their input was written (eventTime.ts). */
  readonly yearsInferred: boolean;
}

/** A failed recipient after de-duplication, as the extraction records it. */
export interface AddressRow {
  readonly address: string;
  readonly type: 'hard' | 'review' | 'soft';
  readonly code: string;
  readonly reason: ReasonCategory;
  readonly count: number;
  readonly diagnostic: string;
  /** The line of its last failure. */
  readonly source: SourceLine;
}

export interface ReportModel {
  readonly title: string;
  readonly summary: {
    readonly files: number; readonly lines: number; readonly messages: number; readonly failed: number;
    readonly deferred: number; readonly delivered: number; readonly rejectedInbound: number;
  };
  /** Addresses delivered after failing, left out of the suppression list. */
  readonly laterDelivered: { readonly shown: readonly string[]; readonly more: number };
  readonly timeline: Timeline;
  readonly tables: readonly ReportTable[];
  /** Hard bounces first, then review and soft; each by its count. */
  readonly addresses: { readonly rows: readonly AddressRow[]; readonly more: number };
  readonly problems: readonly { readonly file: string; readonly problem: string }[];
}
