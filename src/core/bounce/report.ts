// Markdown bounce report per domain and per code, for logs and bounce messages alike (like pflogsumm's bounce
// sections). Text from the inputs is escaped: it is data, not Markdown.
import { escapeMarkdown } from '../markdown';
import type { ClassifiedEvent } from './types';
import type { ExtractSummary } from './index';

/** How many "delivered after failing" addresses the report names before summing up the rest. */
const LATER_DELIVERED_SHOWN = 20;

interface Tally { hard: number; soft: number; deferred: number; inbound: number; diagnostics: Map<string, number> }

/** Collects events for the report; feed it from extractBounces' onEvent. */
export class BounceReport {
  private readonly byDomain = new Map<string, Tally>();
  private readonly byCode = new Map<string, Tally>();

  add(event: ClassifiedEvent): void {
    if (event.outcome === 'delivered') return;
    const domain = event.address.slice(event.address.lastIndexOf('@') + 1);
    const code = event.status ?? event.reply ?? 'no code';
    for (const [map, key] of [[this.byDomain, domain], [this.byCode, code]] as const) {
      const tally = map.get(key) ?? { hard: 0, soft: 0, deferred: 0, inbound: 0, diagnostics: new Map() };
      map.set(key, tally);
      if (event.outcome === 'rejected-inbound') tally.inbound++;
      else if (event.outcome === 'deferred') tally.deferred++;
      else if (event.type === 'hard') tally.hard++;
      else tally.soft++;
      const diagnostic = event.diagnostic.replace(/\s+/g, ' ').slice(0, 160);
      if (diagnostic) tally.diagnostics.set(diagnostic, (tally.diagnostics.get(diagnostic) ?? 0) + 1);
    }
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
    for (const [heading, map] of [['Per domain', this.byDomain], ['Per code', this.byCode]] as const) {
      lines.push(`## ${heading}`, '', '| | hard | soft | deferred | inbound rejects | top diagnostic |', '| --- | ---: | ---: | ---: | ---: | --- |');
      const rows = [...map].sort((a, b) => total(b[1]) - total(a[1]) || (a[0] < b[0] ? -1 : 1));
      for (const [key, tally] of rows) {
        const top = [...tally.diagnostics].sort((a, b) => b[1] - a[1])[0];
        lines.push(`| ${escapeMarkdown(key)} | ${tally.hard} | ${tally.soft} | ${tally.deferred} | ${tally.inbound} | ${top ? `${escapeMarkdown(top[0])} (×${top[1]})` : ''} |`);
      }
      if (rows.length === 0) lines.push('| (none) | 0 | 0 | 0 | 0 | |');
      lines.push('');
    }
    if (summary.problems.length) lines.push('## Inputs not scanned', '', ...summary.problems.map((p) => `- ${escapeMarkdown(p.file)}: ${escapeMarkdown(p.problem)}`), '');
    return lines.join('\n');
  }
}

function total(tally: Tally): number {
  return tally.hard + tally.soft + tally.deferred + tally.inbound;
}
