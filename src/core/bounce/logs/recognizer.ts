// The contract every log-format recognizer follows, and helpers they share.
import type { BounceEvent } from '../types';

/** Where a line came from. */
export interface LineSource {
  readonly file: string;
  readonly line: number;
}

/**
 * One log format. `create` returns a fresh parser per input, so formats that join lines of one message (by
 * queue ID or delivery number) keep that state per file. A parser returns undefined for lines it does not know,
 * so the next format may try; an empty array means "mine, nothing to report".
 */
export interface LogRecognizer {
  readonly format: string;
  create(): (text: string, source: LineSource) => BounceEvent[] | undefined;
}

/** The answer for a line a format claims without reporting anything (shared: no allocation per line). */
export const NOTHING: BounceEvent[] = [];

const SYSLOG_DATE = /^(?:<\d+>\d? ?)?([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)/;

/** The time stamp a syslog line starts with, as written. */
export function syslogDate(text: string): string | undefined {
  return SYSLOG_DATE.exec(text)?.[1];
}

/** The "host[ip]" or "host" part of a relay field, without the port. */
export function relayHost(relay: string | undefined): string | undefined {
  if (!relay || relay === 'none' || relay === 'local') return undefined;
  return relay.replace(/:\d+$/, '');
}
