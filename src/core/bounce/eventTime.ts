// Dates of events as instants and as ISO 8601 text. Sources write them three ways:
//  - with a zone: RFC 5322 in bounces ("Tue, 2 Jan 2024 10:00:00 +0100"), RFC 3339 from syslog
//    ("2024-01-02T10:00:00+01:00"), UTC from Exchange and providers. Written in UTC: "2024-01-02T09:00:00.000Z".
//  - without a zone: Exim's "2024-01-02 10:00:00", the server's local time. Written as the source wrote it, without
//    a zone designator ("2024-01-02T10:00:00.000"): the log does not say which zone that is.
//  - classic syslog, "Jan  2 10:00:00": no zone and no year. The year is inferred per input (InputDates) from the
//    time the input was last written, or given by the caller (--year).
// Every text has milliseconds, so texts of the same kind sort as their times do.

/** A moment read from a source. */
export interface EventTime {
  /** Milliseconds since 1970 UTC. A time without a zone counts as if it were UTC: it orders with zoned times to
   * within its zone's offset. */
  readonly instant: number;
  readonly zoned: boolean;
  /** The source gave no year: it was inferred from the input's modification time, or from the current date. */
  readonly yearInferred: boolean;
}

const DAY_MS = 86_400_000;

/** The date part ("2026-12-02T") of the last day written: records come in address order, and most of a log's dates
 * fall on a few days, so Date's formatting (a tenth of writing 200,000 records) runs once a day, not once a date. */
let dayWritten = { day: NaN, text: '' };
const padded = (value: number) => (value < 10 ? `0${value}` : `${value}`);

/** ISO 8601 text of a time: UTC with "Z" when the source gave a zone, the source's own clock without one otherwise. */
export function isoText(time: EventTime): string {
  // Whole milliseconds, cut toward zero, as a Date keeps them.
  const instant = Math.trunc(time.instant);
  const day = Math.floor(instant / DAY_MS);
  if (day !== dayWritten.day) dayWritten = { day, text: new Date(day * DAY_MS).toISOString().slice(0, 11) };
  const ms = instant - day * DAY_MS;
  const seconds = Math.floor(ms / 1000);
  const millis = ms % 1000;
  const text = `${dayWritten.text}${padded(Math.floor(seconds / 3600))}:${padded(Math.floor(seconds / 60) % 60)}:${padded(seconds % 60)}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}`;
  return time.zoned ? `${text}Z` : text;
}

const DAY_SECONDS = 86_400;
/** How far past the reference time a stamp may be and still belong to the reference's year: clocks and zones differ
 * (a stamp is local time, read as UTC; the file's time is UTC). */
const REFERENCE_SLACK_MS = DAY_MS;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** The instant of a UTC date and time, or undefined when there is no such date (31 April, 29 February 2023) or its
 * year has no four digits (an ISO 8601 text could not say it). */
function utcInstant(year: number, month: number, day: number, hour: number, minute: number, second: number, millisecond = 0): number | undefined {
  const days = month === 2 && isLeapYear(year) ? 29 : MONTH_DAYS[month - 1];
  if (!days || day < 1 || day > days || hour > 23 || minute > 59 || second > 60 || !(year >= 0 && year <= 9999)) return undefined;
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC, which reads years 0-99 as 1900-1999. A leap second is read as the second before.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, Math.min(second, 59), millisecond);
  return date.getTime();
}

/** Minutes east of UTC of an offset written "Z", "+01", "+0100" or "+01:00"; undefined when it is no offset. */
function offsetMinutes(text: string): number | undefined {
  if (text.toUpperCase() === 'Z') return 0;
  const match = /^([+-])(\d\d):?(\d\d)?$/.exec(text);
  if (!match || Number(match[2]) > 23 || Number(match[3] ?? 0) > 59) return undefined;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3] ?? 0));
}

/** RFC 5322's zone names (§4.3, obsolete but common); other names there count as UTC, as the RFC says. */
const ZONE_HOURS: Readonly<Record<string, number>> = { UT: 0, GMT: 0, Z: 0, EST: -5, EDT: -4, CST: -6, CDT: -5, MST: -7, MDT: -6, PST: -8, PDT: -7 };

/** A time from its fields; `zone` as written (an offset, a zone name, or undefined for none). */
function timeOf(fields: { year: number; month: number; day: number; hour: number; minute: number; second: number; millisecond?: number }, zone: string | undefined): EventTime | undefined {
  const local = utcInstant(fields.year, fields.month, fields.day, fields.hour, fields.minute, fields.second, fields.millisecond);
  if (local === undefined) return undefined;
  if (zone === undefined) return { instant: local, zoned: false, yearInferred: false };
  const minutes = /^[A-Za-z]+$/.test(zone) && zone.toUpperCase() !== 'Z' ? (ZONE_HOURS[zone.toUpperCase()] ?? 0) * 60 : offsetMinutes(zone);
  return minutes === undefined ? undefined : { instant: local - minutes * 60_000, zoned: true, yearInferred: false };
}

// "2024-01-02T10:00:00.123+01:00", "2024-01-02 10:00:00", Exim's "2024-01-02 10:00:00 +0100".
const ISO_DATE = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d{1,9}))?)? ?(Z|[+-]\d\d(?::?\d\d)?)?$/i;
// "Tue, 2 Jan 2024 10:00:00 +0100 (CET)"; the day's name is not checked (bounces get it wrong), its seconds are optional.
const RFC5322_DATE = /^(?:[A-Za-z]+,?\s*)?(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{2,4})\s+(\d\d?):(\d\d)(?::(\d\d))?(?:\s*([+-]\d{4}|[A-Za-z]{1,5}))?\s*(?:\([^()]*\))?$/;

/** A date that holds its year: RFC 3339 / ISO 8601, Exim's, or RFC 5322's. Undefined for any other text. */
export function fullDate(text: string): EventTime | undefined {
  const trimmed = text.trim();
  const iso = ISO_DATE.exec(trimmed);
  if (iso) {
    const [, year, month, day, hour, minute, second = '0', fraction = '', zone] = iso;
    return timeOf({
      year: Number(year), month: Number(month), day: Number(day), hour: Number(hour), minute: Number(minute), second: Number(second),
      millisecond: Number(fraction.padEnd(3, '0').slice(0, 3)),
    }, zone);
  }
  const rfc = RFC5322_DATE.exec(trimmed);
  if (!rfc) return undefined;
  const [, day, monthName, yearText, hour, minute, second = '0', zone] = rfc;
  const month = MONTH_NAMES.indexOf(monthName.toLowerCase()) + 1;
  if (month === 0) return undefined;
  // RFC 5322 §4.3: two-digit years 00-49 are 2000-2049, 50-99 and three-digit years count from 1900.
  const year = yearText.length === 4 ? Number(yearText) : Number(yearText) + (yearText.length === 2 && Number(yearText) < 50 ? 2000 : 1900);
  return timeOf({ year, month, day: Number(day), hour: Number(hour), minute: Number(minute), second: Number(second) }, zone);
}

/** Month names by their three character codes, for reading stamps without making strings. */
const MONTH_BY_CODES = new Map(MONTH_NAMES.map((name, index) => [codesKey(name[0].toUpperCase() + name.slice(1), 0), index + 1]));

function codesKey(text: string, at: number): number {
  return (text.charCodeAt(at) << 16) | (text.charCodeAt(at + 1) << 8) | text.charCodeAt(at + 2);
}

const STAMP_LENGTH = 'Jan  2 10:00:00'.length;

function digit(text: string, at: number): number {
  const value = text.charCodeAt(at) - 48;
  return value >= 0 && value <= 9 ? value : -1;
}

/** Two digits at `at` as a number, or -1. */
function twoDigits(text: string, at: number): number {
  const tens = digit(text, at);
  const ones = digit(text, at + 1);
  return tens < 0 || ones < 0 ? -1 : tens * 10 + ones;
}

/**
 * The place within a year of the syslog stamp ("Jan  2 10:00:00") that `text` starts with, or -1: seconds counted as
 * if every month had 32 days, so places order as the stamps do and the month, day and time can be read back. Read
 * by character codes, without a regular expression or a string: it runs on every line of a log.
 */
export function stampPlace(text: string, at = 0): number {
  if (text.length < at + STAMP_LENGTH || text.charCodeAt(at + 3) !== 32 || text.charCodeAt(at + 6) !== 32 || text.charCodeAt(at + 9) !== 58 || text.charCodeAt(at + 12) !== 58) return -1;
  const month = MONTH_BY_CODES.get(codesKey(text, at));
  const ones = digit(text, at + 5);
  const tens = text.charCodeAt(at + 4) === 32 ? 0 : digit(text, at + 4);
  const day = tens < 0 || ones < 0 ? 0 : tens * 10 + ones;
  const hour = twoDigits(text, at + 7);
  const minute = twoDigits(text, at + 10);
  const second = twoDigits(text, at + 13);
  if (month === undefined || day < 1 || day > (month === 2 ? 29 : MONTH_DAYS[month - 1]) || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return -1;
  // A leap second (23:59:60, at the end of a month) is read as the second before: 60 would be the next day's place.
  return (month * 32 + day) * DAY_SECONDS + hour * 3600 + minute * 60 + Math.min(second, 59);
}

/** Where a line's syslog stamp would start: after a priority ("<13>", "<13>1 "), as syslogDate reads it (logs/recognizer.ts). */
function stampStart(text: string): number {
  if (text.charCodeAt(0) !== 60) return 0;
  let at = 1;
  while (digit(text, at) >= 0) at++;
  if (at === 1 || text.charCodeAt(at) !== 62) return 0;
  at++;
  if (digit(text, at) >= 0) at++;
  return text.charCodeAt(at) === 32 ? at + 1 : at;
}

/** The instant of a stamp's place in `year`, or undefined when that year has no such day (29 February). */
function instantAt(year: number, place: number): number | undefined {
  const days = Math.floor(place / DAY_SECONDS);
  const seconds = place % DAY_SECONDS;
  return utcInstant(year, Math.floor(days / 32), days % 32, Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60);
}

/**
 * Where the year of an input's syslog stamps comes from: given (`--year`: the year of the input's first stamp), or
 * inferred from a reference time: when the input was last written (a file's modification time), else the current
 * time (stdin, a pipe, an editor's unsaved text).
 */
export type YearSource = { readonly year: number } | { readonly reference: number };

/** A stamp more than this before the line above it (in places: about half a year) is in the next year. */
const ROLL_OVER_PLACES = 6 * 32 * DAY_SECONDS;
/** Roll-overs past a century are not counted: such an input is not in time order (two logs interleaved line by line
 * turned the year once every two lines, 270,000 times, and put the stamps before year 0). */
const MAX_ROLL_OVERS = 100;
/** Places of one year; a stamp's order within its input is its year's number times this, plus its place. */
const YEAR_PLACES = 13 * 32 * DAY_SECONDS;

/** A syslog stamp of an input whose year is decided when the input ends. */
export class PendingStamp {
  /** The time once resolved; null when its year has no such day. */
  private resolved: EventTime | null | undefined;

  constructor(readonly dates: InputDates, private readonly rollOvers: number, private readonly place: number) {}

  /** The stamp of `dates` whose `order` is given (how a compact store keeps a stamp: recordStore.ts). */
  static at(dates: InputDates, order: number): PendingStamp {
    const rollOvers = Math.floor(order / YEAR_PLACES);
    return new PendingStamp(dates, rollOvers, order - rollOvers * YEAR_PLACES);
  }

  /** Orders the stamps of one input: by the turns of the year before them, then by place within the year. */
  get order(): number {
    return this.rollOvers * YEAR_PLACES + this.place;
  }

  /** The time, once its input has ended; undefined when its year has no such day. */
  resolve(): EventTime | undefined {
    if (this.resolved === undefined) {
      const instant = instantAt(this.dates.yearOfRollOver(this.rollOvers), this.place);
      this.resolved = instant === undefined ? null : { instant, zoned: false, yearInferred: this.dates.yearInferred };
    }
    return this.resolved ?? undefined;
  }
}

/** The time of an event: known, or a syslog stamp whose input has not ended. */
export type Stamp = EventTime | PendingStamp;

/** A stamp's time, once its input has ended. */
export const settledTime = (time: Stamp | undefined): EventTime | undefined => (time instanceof PendingStamp ? time.resolve() : time);

/** Reads the date of an event: an input's InputDates, or the same at a known place in it (a worker's range). */
export interface DateReader {
  read(text: string | undefined): Stamp | undefined;
}

/** The stamp of the log line read last (observeLine), for a delivery that carries no date of its own: Postfix's
 * deliveries are most of a log, and their recognizer does not read their stamp. */
export function lineStamp(dates: DateReader): Stamp | undefined {
  return dates instanceof InputDates ? dates.lastLineStamp() : undefined;
}

/**
 * What a run of lines read without the lines before it (a worker's byte range, logScan.ts) observed: the place of its
 * first and last stamps (-1: none), its roll-overs after the first, and its latest place since the last of them.
 */
export interface DatesObserved {
  readonly first: number;
  readonly last: number;
  readonly rollOvers: number;
  readonly latest: number;
}

/**
 * Reads the dates of one input, in the order of its lines. Lines are in time order, so a stamp more than about half a
 * year before the line above it (December, then January) starts the next year: a roll-over. The latest stamp after
 * the last roll-over is put in the latest year that does not make it later than the reference time (a day of slack),
 * and each roll-over before it takes a year off. Anchored on the end, a log longer than a year keeps its first year,
 * and a December line of a file written in January is of the year before. With a given year, the input's first stamp
 * is in that year.
 */
export class InputDates {
  private rollOvers = 0;
  private firstPlace = -1;
  private previousPlace = -1;
  /** The latest place since the last roll-over, and that roll-over's number. */
  private latestPlace = -1;
  private latestRollOvers = 0;
  private firstYear: number | undefined;
  private hasEnded = false;

  constructor(private readonly source: YearSource) {
    if ('year' in source) this.firstYear = source.year;
  }

  get yearInferred(): boolean {
    return !('year' in this.source);
  }

  /** Whether the input has ended, and so the year of its stamps is decided. */
  get ended(): boolean {
    return this.hasEnded;
  }

  /** Notes the stamp a log line starts with, if any, so a roll-over is seen on lines that report nothing too. */
  observeLine(text: string): void {
    const place = stampPlace(text, stampStart(text));
    if (place >= 0) this.note(place);
  }

  /** The stamp of the line observed last, or undefined before any. */
  lastLineStamp(): PendingStamp | undefined {
    return this.previousPlace < 0 ? undefined : new PendingStamp(this, this.rollOvers, this.previousPlace);
  }

  /** The time of a date as written in this input: known at once when it holds its year, pending for a syslog stamp. */
  read(text: string | undefined): Stamp | undefined {
    if (text === undefined) return undefined;
    const place = text.length === STAMP_LENGTH ? stampPlace(text) : -1;
    if (place < 0) return fullDate(text);
    this.note(place);
    return new PendingStamp(this, this.rollOvers, place);
  }

  /**
   * The time of a date read after `rollOvers` roll-overs, without noting it: for the lines of a worker's range, whose
   * stamps were noted by the worker (`absorb`). A log event's date is its own line's stamp, noted with the line.
   */
  readAt(text: string | undefined, rollOvers: number): Stamp | undefined {
    if (text === undefined) return undefined;
    const place = text.length === STAMP_LENGTH ? stampPlace(text) : -1;
    return place < 0 ? fullDate(text) : new PendingStamp(this, rollOvers, place);
  }

  /** Roll-overs noted so far, and -1 before any stamp (how a worker places its range's dates, see `absorb`). */
  get rollOversSoFar(): number {
    return this.previousPlace < 0 ? -1 : this.rollOvers;
  }

  /** What this input's dates observed (a worker's, for its range). */
  get observed(): DatesObserved {
    return { first: this.firstPlace, last: this.previousPlace, rollOvers: this.rollOvers, latest: this.latestPlace };
  }

  /**
   * Takes in what a range's lines observed, as if this input had noted them; returns how to turn the range's own
   * roll-over counts (`rollOversSoFar` of its dates, -1 before its first stamp) into this input's.
   */
  absorb(range: DatesObserved): (rollOvers: number) => number {
    const before = this.rollOvers;
    if (range.first < 0) return () => before;
    // The range's first stamp may be a roll-over from this input's last one.
    const base = before + (this.previousPlace >= 0 && range.first < this.previousPlace - ROLL_OVER_PLACES ? 1 : 0);
    this.rollOvers = Math.min(MAX_ROLL_OVERS, base + range.rollOvers);
    this.previousPlace = range.last;
    if (this.rollOvers === before) this.latestPlace = Math.max(this.latestPlace, range.latest);
    else this.latestPlace = range.latest;
    this.latestRollOvers = this.rollOvers;
    return (rollOvers) => (rollOvers < 0 ? before : Math.min(MAX_ROLL_OVERS, base + rollOvers));
  }

  private note(place: number): void {
    if (this.firstPlace < 0) this.firstPlace = place;
    if (this.previousPlace >= 0 && place < this.previousPlace - ROLL_OVER_PLACES && this.rollOvers < MAX_ROLL_OVERS) this.rollOvers++;
    this.previousPlace = place;
    if (this.latestRollOvers !== this.rollOvers || place > this.latestPlace) {
      this.latestPlace = place;
      this.latestRollOvers = this.rollOvers;
    }
  }

  /** The input has ended: the year of its stamps is decided. */
  end(): void {
    this.hasEnded = true;
    if (this.firstYear !== undefined || this.latestPlace < 0 || !('reference' in this.source)) return;
    this.firstYear = yearNotAfter(this.latestPlace, this.source.reference) - this.latestRollOvers;
  }

  /**
   * Once the input has ended, the same dates for any input that ended with the same first year, the same way decided:
   * its stamps resolve alike. Keeps the inputs a store still refers to as a few shared objects (one per year), not one
   * each: a folder of a million logs. Undefined while the input is open or when it had no stamp.
   */
  get settled(): InputDates | undefined {
    if (!this.hasEnded || this.firstYear === undefined) return undefined;
    const key = this.yearInferred ? -this.firstYear - 1 : this.firstYear;
    let shared = SETTLED.get(key);
    if (shared === undefined) {
      shared = new InputDates(this.yearInferred ? { reference: 0 } : { year: this.firstYear });
      shared.firstYear = this.firstYear;
      shared.hasEnded = true;
      SETTLED.set(key, shared);
    }
    return shared;
  }

  /** The year of the stamps after `rollOvers` roll-overs; only once the input has ended. */
  yearOfRollOver(rollOvers: number): number {
    if (!this.hasEnded || this.firstYear === undefined) throw new Error('the year of a stamp is known only once its input has ended');
    return this.firstYear + rollOvers;
  }
}

/** The shared dates of ended inputs, by first year (minus one and negated when inferred): at most 20,000 years. */
const SETTLED = new Map<number, InputDates>();

/** The latest year in which a stamp's place is no later than `reference` and a day; looked for from the year after
 * the reference's (within the day) back, up to eight years for a 29 February (1900 and 2100 are no leap years). */
function yearNotAfter(place: number, reference: number): number {
  const referenceYear = new Date(reference).getUTCFullYear();
  for (let year = referenceYear + 1; year >= referenceYear - 8; year--) {
    const instant = instantAt(year, place);
    if (instant !== undefined && instant <= reference + REFERENCE_SLACK_MS) return year;
  }
  return referenceYear;
}
