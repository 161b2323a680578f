// The bounce report per domain, code, reason and remote host, for logs and bounce messages alike (like pflogsumm's
// bounce sections), with failures over time and the failed addresses. BounceReport collects events into a
// ReportModel (plain data, see reportModel.ts); reportMarkdown and reportText render one document layout from it.
// Text from the inputs stays data: Markdown escapes it, terminal text escapes its control characters.
//
// Memory stays bounded on huge inputs: diagnostics are counted as patterns (addresses, IP addresses and ids masked,
// so "550 5.1.1 <a@x>: unknown" and "550 5.1.1 <b@x>: unknown" are one line), each row keeps its few most frequent
// ones, and every key is copied out of the chunk it was read from.
import { escapeMarkdown } from '../markdown';
import { ADDRESS_IN_TEXT, LOCAL_PART_CHARACTER } from './address';
import { clipped, detach } from './detach';
import { fnv1a } from './hash';
import { maskIdentifiers } from './identifiers';
import { TextCache } from './textCache';
import type { AddressRow, Column, ColumnCounts, ReportModel, ReportRow, ReportTable, SourceLine, TableId } from './reportModel';
import { COLUMNS } from './reportModel';
import { DateReader, InputDates } from './eventTime';
import { failureKindOf } from './failureKind';
import { escapeUnsafe } from './safeText';
import { squeezeSpaces } from '../text';
import { FailureTimeline } from './timeline';
import type { BounceRecord, ClassifiedEvent } from './types';
import type { ExtractSummary } from './index';

/** How many "delivered after failing" addresses the report names before summing up the rest. */
const LATER_DELIVERED_SHOWN = 20;
/** Rows each table shows, the busiest first; the others are summed up in one line. */
const ROWS_SHOWN = 50;
/** Keys of a table's chart. */
const TOP_SHOWN = 10;
/** Failed addresses the model lists; the extraction command lists them all. */
const ADDRESSES_SHOWN = 100;
/** Characters of an address's diagnostic in the model. */
const ADDRESS_DIAGNOSTIC_CHARS = 400;
/** Distinct diagnostic patterns a row keeps (the most frequent ones, by the space-saving method). */
const PATTERNS_KEPT = 32;
/** Only the start of a diagnostic makes its pattern: the report shows 160 characters of it. */
const PATTERN_SOURCE_CHARS = 400;

const IP_ADDRESS = /\b\d{1,3}(?:\.\d{1,3}){3}\b/g;
/** Masked identifiers joined by "-", "_" or "." (Gmail's "41be03b00d2f7-5f3c0d2a6bcsi123456") show as one. */
const JOINED_MASKS = /…(?:[-_.]…)+/g;

const ADDRESS_AT = new RegExp(ADDRESS_IN_TEXT.source, 'y');

/**
 * The text with each occurrence of a failure's own address made "…" where the address pattern masks exactly that
 * occurrence: no address character before it (so no match started earlier runs into it), the pattern's match there
 * ends with it, and no local-part character follows it (so none starts right after it). diagnosticPattern then gives
 * the same for the result as for the text, and replies that differ only by their recipient share one cache entry.
 */
export function withOwnAddressMasked(text: string, address: string): string {
  let masked = '';
  let copiedTo = 0;
  for (let at = address ? text.indexOf(address) : -1; at >= 0; at = text.indexOf(address, at + address.length)) {
    const end = at + address.length;
    const before = at > 0 ? text[at - 1] : '';
    if (before === '@' || LOCAL_PART_CHARACTER.test(before) || LOCAL_PART_CHARACTER.test(end < text.length ? text[end] : '')) continue;
    ADDRESS_AT.lastIndex = at;
    if (ADDRESS_AT.exec(text)?.[0].length !== address.length) continue;
    masked += `${text.slice(copiedTo, at)}…`;
    copiedTo = end;
  }
  return copiedTo === 0 ? text : masked + text.slice(copiedTo);
}

/** The diagnostic with what differs between otherwise equal failures masked as "…". */
export function diagnosticPattern(diagnostic: string): string {
  const source = diagnostic.slice(0, PATTERN_SOURCE_CHARS);
  // Most replies name no address: the address pattern is not run over them.
  const addressFree = source.includes('@') ? source.replace(ADDRESS_IN_TEXT, '…') : source;
  return squeezeSpaces(maskIdentifiers(addressFree.replace(IP_ADDRESS, '…'), '…').replace(JOINED_MASKS, '…')).trim().slice(0, 160);
}

/**
 * The host of a remote MTA: "mx.example.com[192.0.2.1]:25" and "mx.example.com [192.0.2.1]" are one host. The
 * bracketed address ends the text, so it opens after the "]" before its own: found with lastIndexOf, where a pattern
 * tried from every "[" of a text without "]" scanned it to the end each time.
 */
function hostName(remoteMta: string): string {
  const close = remoteMta.lastIndexOf(']');
  if (close < 0 || !/^(?::\d+)?$/.test(remoteMta.slice(close + 1))) return remoteMta;
  const open = remoteMta.indexOf('[', close > 0 ? remoteMta.lastIndexOf(']', close - 1) + 1 : 0);
  return open >= 0 && open < close ? remoteMta.slice(0, open).trimEnd() : remoteMta;
}

/** The code a failure is reported under: the enhanced code, else the reply code. */
function codeOf(failure: { status?: string | null; reply?: string | null }): string {
  return failure.status ?? failure.reply ?? 'no code';
}

/** A pattern's count; `error` is how much of it a pattern it replaced had counted (space-saving). */
interface PatternCount { count: number; error: number; example: SourceLine }
/** A row's counts; `error`: how many failures of its key the table may have summed into its rest before the row was
 * made (TableTally). */
interface Tally extends ColumnCounts { patterns: Map<string, PatternCount>; first: SourceLine; error: number }

/** Rows a table counts on; once it has twice as many, the least counted half is summed into its rest. A log of a million
 * domains made a million rows, each with its patterns: 1.8 GB for `smtp-diag report`. */
const ROWS_KEPT = 1_000;
/** Bits of the bitmap that estimates a table's distinct keys (linear counting): 128 KB, close up to millions. */
const DISTINCT_BITS = 20;

const noCounts = (): ColumnCounts => ({ hard: 0, review: 0, soft: 0, deferred: 0, inbound: 0 });
const totalOf = (counts: ColumnCounts) => counts.hard + counts.review + counts.soft + counts.deferred + counts.inbound;

/**
 * One table's rows, at most 2 × ROWS_KEPT of them: when full, the least counted half is given up, its counts summed
 * into `givenUp`, so the rest line stays exact. A key seen again afterwards gets a new row, which may lack up to
 * `floor` failures (the most a row given up had): ranked by its count plus that, as the space-saving method does, a
 * key busy enough to be shown keeps its row.
 */
class TableTally {
  readonly rows = new Map<string, Tally>();
  readonly givenUp = noCounts();
  private floor = 0;
  private readonly keyBits = new Uint32Array(1 << (DISTINCT_BITS - 5));

  /** The row of a key, made if need be. */
  rowOf(key: string, first: SourceLine): Tally {
    let tally = this.rows.get(key);
    if (tally) return tally;
    const bit = fnv1a(key) & ((1 << DISTINCT_BITS) - 1);
    this.keyBits[bit >>> 5] |= 1 << (bit & 31);
    if (this.rows.size >= 2 * ROWS_KEPT) this.giveUpLeast();
    tally = { ...noCounts(), patterns: new Map(), first, error: this.floor };
    this.rows.set(detach(key), tally);
    return tally;
  }

  /** Whether rows were given up: the count of keys is then an estimate, and a row may lack a few failures. */
  get estimated(): boolean {
    return this.floor > 0;
  }

  /** How many distinct keys were counted: exact until rows were given up, then estimated from the bitmap. */
  get keys(): number {
    if (!this.estimated) return this.rows.size;
    let zeros = 0;
    for (const word of this.keyBits) zeros += 32 - popCount(word);
    const size = 1 << DISTINCT_BITS;
    // Every bit set: more keys than the bitmap can tell; as many as it surely holds.
    const estimate = zeros === 0 ? size : Math.round(-size * Math.log(zeros / size));
    return Math.max(estimate, this.rows.size);
  }

  private giveUpLeast(): void {
    const rank = (tally: Tally) => totalOf(tally) + tally.error;
    const ranked = [...this.rows].sort((a, b) => rank(b[1]) - rank(a[1]));
    for (const [key, tally] of ranked.slice(ROWS_KEPT)) {
      for (const column of COLUMNS) this.givenUp[column] += tally[column];
      this.floor = Math.max(this.floor, rank(tally));
      this.rows.delete(key);
    }
  }
}

function popCount(word: number): number {
  let bits = word - ((word >>> 1) & 0x55555555);
  bits = (bits & 0x33333333) + ((bits >>> 2) & 0x33333333);
  return (Math.imul((bits + (bits >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** Patterns remembered by diagnostic text, most failures repeating a few texts word for word: up to 10,000 sources
 * (of PATTERN_SOURCE_CHARS each at most), each from its second time on, as far as 16,384 slots (64 KB) remember. */
const PATTERNS = { texts: 10_000, chars: 10_000 * PATTERN_SOURCE_CHARS, recentSlots: 1 << 14 } as const;

/** The tables, in the order every view shows them. */
const TABLES: readonly { id: TableId; heading: string; keyName: string; noun: string }[] = [
  { id: 'domains', heading: 'Per domain', keyName: 'domain', noun: 'domains' },
  { id: 'codes', heading: 'Per code', keyName: 'code', noun: 'codes' },
  { id: 'reasons', heading: 'Per reason', keyName: 'reason', noun: 'reasons' },
  { id: 'hosts', heading: 'Per remote host (the receiving server; for inbound rejects, the sending client)', keyName: 'remote host', noun: 'hosts' },
];

export interface ReportOptions {
  /** For events added without their input's dates: the time a syslog stamp's year is inferred from (ms since
   * 1970); default: the time the report was started. */
  readonly now?: number;
}

/** Collects events for the report; feed it from extractBounces' onEvent, which gives each event its input's dates. */
export class BounceReport {
  private readonly patternOf = new TextCache<string>(PATTERNS);
  private readonly tallies: Record<TableId, TableTally> = { domains: new TableTally(), codes: new TableTally(), reasons: new TableTally(), hosts: new TableTally() };
  private readonly timeline = new FailureTimeline();
  /** Dates of the files of events added without theirs, as the engine would read them for a text without a file. */
  private readonly ownDates = new Map<string, InputDates>();
  private readonly now: number;

  constructor(options: ReportOptions = {}) {
    this.now = options.now ?? Date.now();
  }

  add(event: ClassifiedEvent, dates?: DateReader): void {
    const column = failureKindOf(event);
    if (!column) return;
    const keys: Record<TableId, string> = {
      domains: event.address.slice(event.address.lastIndexOf('@') + 1),
      codes: codeOf(event),
      reasons: event.reason,
      hosts: (event.remoteMta && hostName(event.remoteMta)) || 'not given',
    };
    const pattern = event.diagnostic ? this.pattern(event.diagnostic, event.address) : '';
    for (const { id } of TABLES) {
      const tally = this.tallies[id].rowOf(keys[id], { file: event.file, line: event.line });
      tally[column]++;
      if (pattern) count(tally.patterns, pattern, event);
    }
    if (column !== 'inbound') this.timeline.add(this.datesOf(event.file, dates).read(event.date), column);
  }

  private datesOf(file: string, given: DateReader | undefined): DateReader {
    if (given) return given;
    let own = this.ownDates.get(file);
    if (!own) {
      own = new InputDates({ reference: this.now });
      this.ownDates.set(file, own);
    }
    return own;
  }

  private pattern(diagnostic: string, address: string): string {
    // Keyed by the start that makes the pattern (a whole diagnostic may be long, and the cache would keep it), with
    // the failure's own address masked: most replies name their recipient, and would otherwise never repeat.
    const source = withOwnAddressMasked(diagnostic.slice(0, PATTERN_SOURCE_CHARS), address);
    let pattern = this.patternOf.get(source);
    if (pattern === undefined) {
      pattern = detach(diagnosticPattern(source));
      this.patternOf.set(source, pattern);
    }
    return pattern;
  }

  /** The report as data. `records` (extractBounces' with includeSoft) give the failed addresses. */
  model(summary: ExtractSummary, options: { title?: string; records?: readonly BounceRecord[] } = {}): ReportModel {
    // The engine ends its inputs' dates as it reads them; these have no end but this.
    for (const dates of this.ownDates.values()) if (!dates.ended) dates.end();
    const later = summary.laterDelivered;
    return {
      title: options.title ?? 'Bounce report',
      summary: {
        files: summary.files, lines: summary.lines, messages: summary.messages, failed: summary.failed,
        deferred: summary.deferred, delivered: summary.delivered, rejectedInbound: summary.rejectedInbound,
      },
      laterDelivered: { shown: later.slice(0, LATER_DELIVERED_SHOWN), more: Math.max(0, summary.laterDeliveredCount - LATER_DELIVERED_SHOWN) },
      timeline: this.timeline.timeline(),
      tables: TABLES.map(({ id, heading, keyName }) => table(id, heading, keyName, this.tallies[id])),
      addresses: addressRows(options.records ?? []),
      problems: summary.problems.map(({ file, problem }) => ({ file, problem })),
    };
  }

  toMarkdown(summary: ExtractSummary, title = 'Bounce report'): string {
    return reportMarkdown(this.model(summary, { title }));
  }
}

function table(id: TableId, heading: string, keyName: string, tallies: TableTally): ReportTable {
  const rows = [...tallies.rows].map(([key, tally]) => row(key, tally)).sort((a, b) => b.total - a.total || (a.key < b.key ? -1 : 1));
  const hidden = rows.slice(ROWS_SHOWN);
  const sum = (column: Column) => hidden.reduce((all, each) => all + each[column], tallies.givenUp[column]);
  const rest = hidden.length || tallies.estimated
    ? { rows: tallies.keys - Math.min(rows.length, ROWS_SHOWN), ...Object.fromEntries(COLUMNS.map((column) => [column, sum(column)])) as ColumnCounts, ...(tallies.estimated && { estimated: true }) }
    : undefined;
  const own = (each: ReportRow) => each.total - each.inbound;
  const top = rows.filter((each) => own(each) > 0).sort((a, b) => own(b) - own(a) || (a.key < b.key ? -1 : 1)).slice(0, TOP_SHOWN)
    .map(({ key, hard, review, soft, deferred }) => ({ key, hard, review, soft, deferred }));
  return { id, heading, keyName, rows: rows.slice(0, ROWS_SHOWN), rest, top };
}

function row(key: string, tally: Tally): ReportRow {
  const { hard, review, soft, deferred, inbound } = tally;
  const top = topPattern(tally.patterns);
  return {
    key, hard, review, soft, deferred, inbound, total: totalOf(tally),
    ...(top && { topDiagnostic: { text: top[0], count: top[1].count - top[1].error, atLeast: top[1].error > 0 } }),
    example: top?.[1].example ?? tally.first,
  };
}

const TYPE_ORDER = { hard: 0, review: 1, soft: 2 } as const;

function addressRows(records: readonly BounceRecord[]): ReportModel['addresses'] {
  const rows: AddressRow[] = [...records]
    .sort((a, b) => TYPE_ORDER[a.type] - TYPE_ORDER[b.type] || b.count - a.count || (a.address < b.address ? -1 : 1))
    .slice(0, ADDRESSES_SHOWN)
    .map((record) => ({
      address: record.address, type: record.type, code: codeOf(record), reason: record.reason, count: record.count,
      diagnostic: clipped(record.diagnostic, ADDRESS_DIAGNOSTIC_CHARS), source: { file: record.file, line: record.line },
    }));
  return { rows, more: Math.max(0, records.length - rows.length) };
}

/** Counts a pattern (a copy already, from BounceReport's cache). In a full map the least counted pattern gives its
 * place, and its count, to the new one: a pattern frequent enough to be the top one is then always kept, however late
 * it first shows. */
function count(patterns: Map<string, PatternCount>, pattern: string, event: SourceLine): void {
  const entry = patterns.get(pattern);
  if (entry) {
    entry.count++;
    return;
  }
  let least: [string, PatternCount] | undefined;
  if (patterns.size >= PATTERNS_KEPT) {
    for (const item of patterns) if (!least || item[1].count < least[1].count) least = item;
    patterns.delete(least![0]);
  }
  const inherited = least?.[1].count ?? 0;
  patterns.set(pattern, { count: inherited + 1, error: inherited, example: { file: event.file, line: event.line } });
}

/** The most frequent pattern. */
function topPattern(patterns: ReadonlyMap<string, PatternCount>): [string, PatternCount] | undefined {
  let top: [string, PatternCount] | undefined;
  for (const item of patterns) if (!top || item[1].count > top[1].count) top = item;
  return top;
}

// One layout for the Markdown and the terminal text: blocks of plain strings, each renderer escaping every string.

type Block =
  | { kind: 'title' | 'heading' | 'paragraph'; text: string }
  | { kind: 'table'; head: readonly string[]; rows: readonly (readonly string[])[] }
  | { kind: 'list'; items: readonly string[] };

const COLUMN_NAMES: Record<Column, string> = { hard: 'hard', review: 'review', soft: 'soft', deferred: 'deferred', inbound: 'inbound rejects' };

function reportBlocks(model: ReportModel): Block[] {
  const { summary, laterDelivered } = model;
  const blocks: Block[] = [{ kind: 'title', text: model.title }, {
    kind: 'paragraph',
    text: `Scanned ${summary.files} file(s), ${summary.lines} line(s), ${summary.messages} message(s): ` +
      `${summary.failed} failed, ${summary.deferred} deferred, ${summary.delivered} delivered, ${summary.rejectedInbound} inbound rejects (this server refusing others' mail; not in the suppression list).`,
  }];
  if (laterDelivered.shown.length) {
    const more = laterDelivered.more ? ` and ${laterDelivered.more} more` : '';
    blocks.push({ kind: 'paragraph', text: `Delivered after failing (left out of the suppression list): ${laterDelivered.shown.join(', ')}${more}` });
  }
  for (const each of model.tables) {
    const noun = TABLES.find((known) => known.id === each.id)!.noun;
    const cells = (counts: ColumnCounts) => COLUMNS.map((column) => String(counts[column]));
    const rows = each.rows.map((shown) => [shown.key, ...cells(shown), shown.topDiagnostic ? diagnosticCell(shown.topDiagnostic) : '']);
    if (rows.length === 0) rows.push(['(none)', ...COLUMNS.map(() => '0'), '']);
    if (each.rest) rows.push([`${each.rest.estimated ? 'about ' : ''}${each.rest.rows} more ${noun}`, ...cells(each.rest), '']);
    blocks.push({ kind: 'heading', text: each.heading }, { kind: 'table', head: [each.keyName, ...COLUMNS.map((column) => COLUMN_NAMES[column]), 'top diagnostic'], rows });
    if (each.rest?.estimated) {
      blocks.push({ kind: 'paragraph', text: `Over ${(2 * ROWS_KEPT).toLocaleString('en')} ${noun}: the busiest were counted as the inputs were read and the others summed in the last line, whose sums are exact; a row may lack a few failures from before it was among the busiest.` });
    }
  }
  if (model.problems.length) blocks.push({ kind: 'heading', text: 'Inputs not scanned' }, { kind: 'list', items: model.problems.map((p) => `${p.file}: ${p.problem}`) });
  return blocks;
}

function diagnosticCell({ text, count: counted, atLeast }: { text: string; count: number; atLeast: boolean }): string {
  return `${text} (×${counted}${atLeast ? '+' : ''})`;
}

/** The report as Markdown (text from the inputs escaped: it is data, not Markdown). */
export function reportMarkdown(model: ReportModel): string {
  const lines: string[] = [];
  for (const block of reportBlocks(model)) {
    switch (block.kind) {
      case 'title': lines.push(`# ${escapeMarkdown(block.text)}`); break;
      case 'heading': lines.push(`## ${escapeMarkdown(block.text)}`); break;
      case 'paragraph': lines.push(escapeMarkdown(block.text)); break;
      case 'list': for (const item of block.items) lines.push(`- ${escapeMarkdown(item)}`); break;
      case 'table': {
        // The key column is unnamed: the heading names it.
        const cellsOf = (cells: readonly string[]) => `|${cells.map((cell) => (cell ? ` ${escapeMarkdown(cell)} ` : ' ')).join('|')}|`;
        lines.push(cellsOf(['', ...block.head.slice(1)]), `| --- | ${COLUMNS.map(() => '---:').join(' | ')} | --- |`, ...block.rows.map(cellsOf));
      }
    }
    lines.push('');
  }
  return lines.join('\n');
}

/**
 * The report as plain text for a terminal: columns aligned, text from the inputs as it is but for its control, bidi
 * and separator characters, which are written as escapes ("\x1b", "\u202e") so that none acts on the terminal.
 */
export function reportText(model: ReportModel): string {
  const lines: string[] = [];
  for (const block of reportBlocks(model)) {
    switch (block.kind) {
      case 'title': case 'heading': {
        const text = escapeUnsafe(block.text);
        lines.push(text, (block.kind === 'title' ? '=' : '-').repeat(Math.min(text.length, 80)));
        // A heading's table follows right under it.
        if (block.kind === 'heading') continue;
        break;
      }
      case 'paragraph': lines.push(escapeUnsafe(block.text)); break;
      case 'list': for (const item of block.items) lines.push(`- ${escapeUnsafe(item)}`); break;
      case 'table': {
        const rows = [block.head, ...block.rows].map((cells) => cells.map(escapeUnsafe));
        const widths = block.head.map((_, at) => Math.max(...rows.map((cells) => cells[at].length)));
        const last = block.head.length - 1;
        // The key column is aligned left, the counts right; the diagnostic ends the line, unpadded.
        const aligned = (cell: string, at: number) => (at === last ? cell : at === 0 ? cell.padEnd(widths[at]) : cell.padStart(widths[at]));
        lines.push(...rows.map((cells) => cells.map(aligned).join('  ').trimEnd()));
      }
    }
    lines.push('');
  }
  return lines.join('\n');
}
