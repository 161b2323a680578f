// The contract every log-format recognizer follows, and helpers they share.
import { detach } from '../detach';
import type { BounceEvent } from '../types';
import { OldestKeys } from '../../oldestKeys';

/** Where a line came from. */
export interface LineSource {
  readonly file: string;
  readonly line: number;
}

/**
 * One log format. `create` returns a fresh parser per input, so formats that join lines of one message (by
 * queue ID or delivery number) keep that state per file, in maps taken from `state`. A parser returns undefined for
 * lines it does not know, so the next format may try; an empty array means "mine, nothing to report". Whatever an
 * answer depends on besides the line is read from those maps: a worker that reads a byte range of a log starts with
 * empty maps, and its answers are corrected afterwards from the keys its lines touched (logScan.ts).
 */
export interface LogRecognizer {
  readonly format: string;
  create(state: ParserState): (text: string, source: LineSource) => BounceEvent[] | undefined;
}

/** The answer for a line a format claims without reporting anything (shared: no allocation per line). */
export const NOTHING: BounceEvent[] = [];

/** Entries and characters of state kept between lines: with the per-event overhead, about 20 MB at most. Entries
 * forgotten once old became garbage the collector let pile up: 300,000 Postfix deferrals of 200-character reasons
 * took the process to 270 MB with 16 M characters kept, 195 MB with 8 M (still some 20,000 queue IDs). */
export const MAX_PENDING = 50_000;
export const MAX_PENDING_CHARS = 8 << 20;
/** What an object kept between lines costs beyond its texts, counted as characters. */
export const ENTRY_CHARS = 100;

/** Where the lines of a byte range note which state they touched (in a worker; see logScan.ts). */
export interface StateJournal {
  /** The line being read touched `key` of the map numbered `map`. */
  touch(map: number, key: string): void;
  /** The place of the line being read among the range's lines (and pieces of long lines). */
  readonly position: number;
}

interface Entry<V> {
  value: V;
  chars: number;
  /** In a journaled map, the position of the line that added the key. */
  position: number;
}

/**
 * State a recognizer keeps between the lines of one message (deferred recipients by queue ID, host errors by
 * message ID, deliveries by number), bounded in entries and in characters: when a log of messages that never settle
 * reaches either bound, the oldest entries are forgotten first. A journaled map (a worker's, for one byte range)
 * forgets nothing: it notes every key touched and the most it held, from which the reader of the whole log decides
 * whether the range's results stand (logScan.ts).
 */
export class PendingMap<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly oldest = new OldestKeys(this.entries);
  private chars = 0;
  /** The most entries and characters held at once (journaled maps). */
  peakSize = 0;
  peakChars = 0;

  /**
   * `rangeWide`: a range whose lines touched a key that the lines before it left is read again whole, rather than
   * only those lines: for state that every line after it depends on (Exchange's columns).
   */
  constructor(readonly id: number, private readonly journal?: StateJournal, readonly rangeWide = false) {}

  get size(): number {
    return this.entries.size;
  }

  /** Whether the map may hold anything: a journaled map cannot know what the lines before its range left. */
  get mayHoldEntries(): boolean {
    return this.journal !== undefined || this.entries.size > 0;
  }

  get(key: string): V | undefined {
    this.journal?.touch(this.id, key);
    return this.entries.get(key)?.value;
  }

  /** Keeps `value` (its strings detached by the caller) under `key`, `valueChars` the size of its texts (the key's
   * is added); a key already there keeps its place in the order. */
  set(key: string, value: V, valueChars: number): void {
    this.journal?.touch(this.id, key);
    const chars = key.length + valueChars;
    const entry = this.entries.get(key);
    if (entry) {
      this.chars += chars - entry.chars;
      entry.value = value;
      entry.chars = chars;
    } else {
      this.entries.set(detach(key), { value, chars, position: this.journal?.position ?? 0 });
      this.chars += chars;
    }
    if (this.journal) {
      this.peakSize = Math.max(this.peakSize, this.entries.size);
      this.peakChars = Math.max(this.peakChars, this.chars);
      return;
    }
    while (this.entries.size > MAX_PENDING || this.chars > MAX_PENDING_CHARS) {
      const oldest = this.oldest.next()!;
      this.chars -= this.entries.get(oldest)!.chars;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.journal?.touch(this.id, key);
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.chars -= entry.chars;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Entries and characters held. */
  get load(): { entries: number; chars: number } {
    return { entries: this.entries.size, chars: this.chars };
  }

  /** The entries in their order: key, value, characters (the key's included) and, journaled, the position of the
   * line that added the key. */
  *held(): Generator<[string, V, number, number]> {
    for (const [key, entry] of this.entries) yield [key, entry.value, entry.chars, entry.position];
  }
}

/** The state of one parser: its maps, numbered in the order the recognizers made them. */
export class ParserState {
  readonly maps: PendingMap<unknown>[] = [];

  constructor(readonly journal?: StateJournal) {}

  map<V>(options: { rangeWide?: boolean } = {}): PendingMap<V> {
    const map = new PendingMap<V>(this.maps.length, this.journal, options.rangeWide);
    this.maps.push(map as PendingMap<unknown>);
    return map;
  }
}

const SYSLOG_DATE = /^(?:<\d+>\d? ?)?([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)/;

/** The time stamp a syslog line starts with, as written. */
export function syslogDate(text: string): string | undefined {
  return SYSLOG_DATE.exec(text)?.[1];
}

/** A time given as seconds since 1970 (PowerMTA's and KumoMTA's records), as ISO 8601 in UTC; undefined for any
 * number no date has. */
export function unixTimeText(seconds: number): string | undefined {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The "host[ip]" or "host" part of a relay field, without the port. */
export function relayHost(relay: string | undefined): string | undefined {
  if (!relay || relay === 'none' || relay === 'local') return undefined;
  return relay.replace(/:\d+$/, '');
}
