// Markdown bounce report per domain, per code and per remote host, for logs and bounce messages alike (like
// pflogsumm's bounce sections). Text from the inputs is escaped: it is data, not Markdown.
//
// Memory stays bounded on huge inputs: diagnostics are counted as patterns (addresses, IP addresses and ids masked,
// so "550 5.1.1 <a@x>: unknown" and "550 5.1.1 <b@x>: unknown" are one line), each row keeps its few most frequent
// ones, and every key is copied out of the chunk it was read from.
import { escapeMarkdown } from '../markdown';
import { ADDRESS_IN_TEXT } from './address';
import { detach } from './detach';
import { failureKindOf } from './failureKind';
import type { FailureKind } from './failureKind';
import type { ClassifiedEvent } from './types';
import type { ExtractSummary } from './index';

/** How many "delivered after failing" addresses the report names before summing up the rest. */
const LATER_DELIVERED_SHOWN = 20;
/** Rows each table shows, the busiest first; the others are summed up in one line. */
const ROWS_SHOWN = 50;
/** Distinct diagnostic patterns a row keeps (the most frequent ones, by the space-saving method). */
const PATTERNS_KEPT = 32;
/** Only the start of a diagnostic makes its pattern: the report shows 160 characters of it. */
const PATTERN_SOURCE_CHARS = 400;

const IP_ADDRESS = /\b\d{1,3}(?:\.\d{1,3}){3}\b/g;
/** A token of 10 or more letters, digits, '-' and '_' (queue and session ids, Gmail's trailing id); masked only
 * when it holds a digit and a letter, so words and numbers stay. */
const ID_LIKE = /[A-Za-z0-9_-]{10,}/g;

/** The diagnostic with what differs between otherwise equal failures masked as "…". */
export function diagnosticPattern(diagnostic: string): string {
  return diagnostic.slice(0, PATTERN_SOURCE_CHARS).replace(ADDRESS_IN_TEXT, '…').replace(IP_ADDRESS, '…')
    .replace(ID_LIKE, (token) => (/\d/.test(token) && /[A-Za-z]/.test(token) ? '…' : token))
    .replace(/\s+/g, ' ').trim().slice(0, 160);
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

/** A pattern's count; `error` is how much of it a pattern it replaced had counted (space-saving). */
interface PatternCount { count: number; error: number }
type Tally = Record<FailureKind, number> & { patterns: Map<string, PatternCount> };

/** Patterns remembered by diagnostic text: most failures repeat a few texts word for word. */
const PATTERN_CACHE_LIMIT = 10_000;

/** Collects events for the report; feed it from extractBounces' onEvent. */
export class BounceReport {
  private readonly patternOf = new Map<string, string>();
  private readonly byDomain = new Map<string, Tally>();
  private readonly byCode = new Map<string, Tally>();
  private readonly byHost = new Map<string, Tally>();

  add(event: ClassifiedEvent): void {
    const kind = failureKindOf(event);
    if (kind === undefined) return;
    const domain = event.address.slice(event.address.lastIndexOf('@') + 1);
    const code = event.status ?? event.reply ?? 'no code';
    const host = (event.remoteMta && hostName(event.remoteMta)) || 'not given';
    const pattern = event.diagnostic ? this.pattern(event.diagnostic) : '';
    for (const [map, key] of [[this.byDomain, domain], [this.byCode, code], [this.byHost, host]] as const) {
      let tally = map.get(key);
      if (!tally) {
        tally = { hard: 0, review: 0, soft: 0, deferred: 0, inbound: 0, patterns: new Map() };
        map.set(detach(key), tally);
      }
      tally[kind]++;
      if (pattern) count(tally.patterns, pattern);
    }
  }

  private pattern(diagnostic: string): string {
    // Keyed by the start that makes the pattern: a whole diagnostic may be long, and the cache would keep it.
    const source = diagnostic.slice(0, PATTERN_SOURCE_CHARS);
    let pattern = this.patternOf.get(source);
    if (pattern === undefined) {
      pattern = detach(diagnosticPattern(source));
      if (this.patternOf.size >= PATTERN_CACHE_LIMIT) this.patternOf.clear();
      this.patternOf.set(detach(source), pattern);
    }
    return pattern;
  }

  toMarkdown(summary: ExtractSummary, title = 'Bounce report'): string {
    const lines = [`# ${escapeMarkdown(title)}`, '',
      `Scanned ${summary.files} file(s), ${summary.lines} line(s), ${summary.messages} message(s): ` +
      `${summary.failed} failed, ${summary.deferred} deferred, ${summary.delivered} delivered, ${summary.rejectedInbound} inbound rejects (this server refusing others' mail; not in the suppression list).`, ''];
    const later = summary.laterDelivered;
    if (later.length) {
      const shown = later.slice(0, LATER_DELIVERED_SHOWN).map(escapeMarkdown).join(', ');
      const more = later.length > LATER_DELIVERED_SHOWN ? ` and ${later.length - LATER_DELIVERED_SHOWN} more` : '';
      lines.push(`Delivered after failing (left out of the suppression list): ${shown}${more}`, '');
    }
    const tables = [
      ['Per domain', this.byDomain, 'domains'],
      ['Per code', this.byCode, 'codes'],
      ['Per remote host (the receiving server; for inbound rejects, the sending client)', this.byHost, 'hosts'],
    ] as const;
    for (const [heading, map, noun] of tables) {
      lines.push(`## ${heading}`, '', '| | hard | review | soft | deferred | inbound rejects | top diagnostic |', '| --- | ---: | ---: | ---: | ---: | ---: | --- |');
      const rows = [...map].sort((a, b) => total(b[1]) - total(a[1]) || (a[0] < b[0] ? -1 : 1));
      for (const [key, tally] of rows.slice(0, ROWS_SHOWN)) {
        lines.push(`| ${escapeMarkdown(key)} | ${tally.hard} | ${tally.review} | ${tally.soft} | ${tally.deferred} | ${tally.inbound} | ${topPattern(tally.patterns)} |`);
      }
      if (rows.length === 0) lines.push('| (none) | 0 | 0 | 0 | 0 | 0 | |');
      if (rows.length > ROWS_SHOWN) {
        const rest = rows.slice(ROWS_SHOWN).map(([, tally]) => tally);
        const sum = (field: 'hard' | 'review' | 'soft' | 'deferred' | 'inbound') => rest.reduce((all, tally) => all + tally[field], 0);
        lines.push(`| ${rest.length} more ${noun} | ${sum('hard')} | ${sum('review')} | ${sum('soft')} | ${sum('deferred')} | ${sum('inbound')} | |`);
      }
      lines.push('');
    }
    if (summary.problems.length) lines.push('## Inputs not scanned', '', ...summary.problems.map((p) => `- ${escapeMarkdown(p.file)}: ${escapeMarkdown(p.problem)}`), '');
    return lines.join('\n');
  }
}

/** Counts a pattern (a copy already, from BounceReport's cache). In a full map the least counted pattern gives its
 * place, and its count, to the new one: a pattern frequent enough to be the top one is then always kept, however late
 * it first shows. */
function count(patterns: Map<string, PatternCount>, pattern: string): void {
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
  patterns.set(pattern, { count: inherited + 1, error: inherited });
}

/** The most frequent pattern with the count it surely has ("+": it may have more, seen before it was kept). */
function topPattern(patterns: ReadonlyMap<string, PatternCount>): string {
  let top: [string, PatternCount] | undefined;
  for (const item of patterns) if (!top || item[1].count > top[1].count) top = item;
  if (!top) return '';
  const [pattern, { count: counted, error }] = top;
  return `${escapeMarkdown(pattern)} (×${counted - error}${error ? '+' : ''})`;
}

function total(tally: Tally): number {
  return tally.hard + tally.review + tally.soft + tally.deferred + tally.inbound;
}
