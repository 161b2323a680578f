// Failures over time for the bounce report, each at the time the engine reads for it (eventTime.ts, as records'
// dates): UTC where the source names a zone, the source's own clock where it names none, and a syslog stamp's year
// inferred per input when the input has ended. The unit follows the span: hours up to two days, days up to about a
// year, months beyond.
import { EventTime, InputDates, PendingStamp, settledTime, Stamp } from './eventTime';
import type { TimeBucket, Timeline, TimelineColumn, TimeUnit } from './reportModel';
import { TIMELINE_COLUMNS } from './reportModel';

const HOUR_MS = 3_600_000;
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Spans up to this many hours are shown per hour. */
const HOURLY_SPAN = 48;
/** Spans up to this many days are shown per day, longer ones per month. */
const DAILY_SPAN = 400;
/** Distinct hours counted; failures in further hours count as undated (only a hostile input has this many). */
const HOURS_KEPT = 100_000;
/** Years a chart may span: a time outside is a misread number, and would stretch the chart over centuries. */
const FIRST_HOUR = Date.UTC(1970, 0, 1) / HOUR_MS;
const LAST_HOUR = Date.UTC(2200, 0, 1) / HOUR_MS;

type Counts = Record<TimelineColumn, number>;
const zero = (): Counts => ({ hard: 0, review: 0, soft: 0, deferred: 0 });
const total = (counts: Counts) => counts.hard + counts.review + counts.soft + counts.deferred;

/** Counts failures per hour and verdict column; `timeline()` gives them in the unit the span calls for. */
export class FailureTimeline {
  /** Failures per hour since 1970 of the times already known. */
  private readonly perHour = new Map<number, Counts>();
  /** Syslog stamps of inputs whose year is decided when they end: per input and hour of its own, one stamp stands
   * for the hour's failures. */
  private readonly pending = new Map<InputDates, Map<number, { stamp: PendingStamp; counts: Counts }>>();
  private kept = 0;
  private undated = 0;
  private yearsInferred = false;

  add(time: Stamp | undefined, column: TimelineColumn): void {
    if (time instanceof PendingStamp && time.dates !== this.lastPending) {
      this.lastPending = time.dates;
      this.foldEnded();
    }
    const counts = time instanceof PendingStamp && !time.dates.ended ? this.pendingHour(time) : this.hour(settledTime(time));
    if (counts) counts[column]++;
    else this.undated++;
  }

  /** The inputs whose stamps were seen last. */
  private lastPending: InputDates | undefined;

  /**
   * Moves the hours of inputs that have ended into the hours of known time. Inputs are read one after another: kept
   * pending to the end, 120,000 small files held a map each (40 MB).
   */
  private foldEnded(): void {
    for (const [dates, hours] of this.pending) {
      if (!dates.ended) continue;
      this.pending.delete(dates);
      const folded = foldPending(this.perHour, hours.values());
      this.undated += folded.undated;
      this.yearsInferred ||= folded.yearsInferred;
    }
  }

  private hour(time: EventTime | undefined): Counts | undefined {
    if (time === undefined) return undefined;
    const hour = Math.floor(time.instant / HOUR_MS);
    if (hour < FIRST_HOUR || hour >= LAST_HOUR) return undefined;
    let counts = this.perHour.get(hour);
    if (!counts && this.kept < HOURS_KEPT) {
      counts = zero();
      this.perHour.set(hour, counts);
      this.kept++;
    }
    if (counts) this.yearsInferred ||= time.yearInferred;
    return counts;
  }

  private pendingHour(stamp: PendingStamp): Counts | undefined {
    let hours = this.pending.get(stamp.dates);
    if (!hours) {
      hours = new Map();
      this.pending.set(stamp.dates, hours);
    }
    // A stamp's order counts seconds within its input (eventTime.ts), so whole hours of it are whole hours of time.
    const key = Math.floor(stamp.order / 3600);
    let entry = hours.get(key);
    if (!entry && this.kept < HOURS_KEPT) {
      entry = { stamp, counts: zero() };
      hours.set(key, entry);
      this.kept++;
    }
    return entry?.counts;
  }

  /** The buckets; every input whose stamps are pending must have ended. */
  timeline(): Timeline {
    const perHour = new Map([...this.perHour].map(([hour, counts]) => [hour, { ...counts }]));
    let undated = this.undated;
    let yearsInferred = this.yearsInferred;
    for (const hours of this.pending.values()) {
      const folded = foldPending(perHour, hours.values());
      undated += folded.undated;
      yearsInferred ||= folded.yearsInferred;
    }
    return buckets(perHour, undated, yearsInferred);
  }
}

/** Adds the counts of pending hours, their input ended, to `perHour` at their resolved hours; says how many failures
 * had no hour in range, and whether a year was inferred. */
function foldPending(perHour: Map<number, Counts>, entries: Iterable<{ stamp: PendingStamp; counts: Counts }>): { undated: number; yearsInferred: boolean } {
  let undated = 0;
  let yearsInferred = false;
  for (const { stamp, counts } of entries) {
    const time = stamp.resolve();
    const hour = time && Math.floor(time.instant / HOUR_MS);
    if (hour === undefined || hour < FIRST_HOUR || hour >= LAST_HOUR) {
      undated += total(counts);
      continue;
    }
    yearsInferred ||= time!.yearInferred;
    const bucket = perHour.get(hour) ?? zero();
    for (const column of TIMELINE_COLUMNS) bucket[column] += counts[column];
    perHour.set(hour, bucket);
  }
  return { undated, yearsInferred };
}

function buckets(perHour: ReadonlyMap<number, Counts>, undated: number, yearsInferred: boolean): Timeline {
  const hours = [...perHour.keys()].sort((a, b) => a - b);
  if (hours.length === 0) return { unit: 'hour', buckets: [], undated, yearsInferred: false };
  const first = hours[0];
  const last = hours[hours.length - 1];
  const days = Math.floor(last / 24) - Math.floor(first / 24) + 1;
  const unit: TimeUnit = last - first < HOURLY_SPAN ? 'hour' : days <= DAILY_SPAN ? 'day' : 'month';
  const starts = bucketStarts(unit, first, last);
  const index = new Map(starts.map((start, at) => [start, at]));
  const counts = starts.map(zero);
  for (const [hour, hourCounts] of perHour) {
    const bucket = counts[index.get(bucketStart(unit, hour))!];
    for (const column of TIMELINE_COLUMNS) bucket[column] += hourCounts[column];
  }
  const multiYear = new Date(first * HOUR_MS).getUTCFullYear() !== new Date(last * HOUR_MS).getUTCFullYear();
  const shown: TimeBucket[] = starts.map((start, at) => ({ start: isoStart(start), label: label(unit, start, multiYear), ...counts[at] }));
  return { unit, buckets: shown, undated, yearsInferred };
}

/** The first hour of the bucket an hour falls in. */
function bucketStart(unit: TimeUnit, hour: number): number {
  if (unit === 'hour') return hour;
  if (unit === 'day') return Math.floor(hour / 24) * 24;
  const date = new Date(hour * HOUR_MS);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) / HOUR_MS;
}

/** The first hour of every bucket from the one of `first` to the one of `last`. */
function bucketStarts(unit: TimeUnit, first: number, last: number): number[] {
  const starts: number[] = [];
  for (let start = bucketStart(unit, first); start <= last;) {
    starts.push(start);
    if (unit === 'month') {
      const date = new Date(start * HOUR_MS);
      start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) / HOUR_MS;
    } else start += unit === 'hour' ? 1 : 24;
  }
  return starts;
}

function isoStart(hour: number): string {
  return new Date(hour * HOUR_MS).toISOString().slice(0, 16);
}

/** "Nov 27 09:00", "Nov 27", "Nov 2026"; the year is added to hours and days when the buckets span two years. */
function label(unit: TimeUnit, hour: number, multiYear: boolean): string {
  const date = new Date(hour * HOUR_MS);
  const month = MONTH_NAMES[date.getUTCMonth()];
  if (unit === 'month') return `${month} ${date.getUTCFullYear()}`;
  const day = `${month} ${date.getUTCDate()}${multiYear ? ` ${date.getUTCFullYear()}` : ''}`;
  return unit === 'day' ? day : `${day} ${String(date.getUTCHours()).padStart(2, '0')}:00`;
}
