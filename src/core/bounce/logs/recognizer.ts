// The contract every log-format recognizer follows, and helpers they share.
import { detach } from '../detach';
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

/** Entries and characters of state kept between lines: with the per-event overhead, about 30 MB at most. */
const MAX_PENDING = 50_000;
const MAX_PENDING_CHARS = 16 << 20;
/** What an object kept between lines costs beyond its texts, counted as characters. */
export const ENTRY_CHARS = 100;

/**
 * State a recognizer keeps between the lines of one message (deferred recipients by queue ID, host errors by
 * message ID, deliveries by number), bounded in entries and in characters: when a log of messages that never settle
 * reaches either bound, the oldest entries are forgotten first.
 */
export class PendingMap<V> {
  private readonly entries = new Map<string, { value: V; chars: number }>();
  private chars = 0;

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  /** Keeps `value` (its strings detached by the caller) under `key`, `valueChars` the size of its texts (the key's
   * is added); a key already there keeps its place in the order. */
  set(key: string, value: V, valueChars: number): void {
    const chars = key.length + valueChars;
    const entry = this.entries.get(key);
    if (entry) {
      this.chars += chars - entry.chars;
      entry.value = value;
      entry.chars = chars;
    } else {
      this.entries.set(detach(key), { value, chars });
      this.chars += chars;
    }
    for (const [oldest, { chars: size }] of this.entries) {
      if (this.entries.size <= MAX_PENDING && this.chars <= MAX_PENDING_CHARS) break;
      this.entries.delete(oldest);
      this.chars -= size;
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.chars -= entry.chars;
  }
}

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
