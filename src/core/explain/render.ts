// Renders a CodeExplanation as Markdown (the read-only preview) and as plain text (the CLI).
// Both walk the same section list, so the two outputs always carry the same content.
import type { CodeExplanation } from '../knowledge/types';
import { escapeMarkdown } from '../markdown';
import { describeClass } from '../statusCode';

interface Section {
  readonly heading: string;
  readonly paragraphs?: readonly string[];
  readonly items?: readonly string[];
  readonly numbered?: boolean;
}

const BOUNCE_LABEL = { hard: 'Hard bounce', review: 'Review (permanent, cause not stated)', soft: 'Soft bounce', none: 'Not a failure' } as const;

function headline(e: CodeExplanation): string {
  return `${e.code} — ${e.title}`;
}

function sectionsOf(e: CodeExplanation): Section[] {
  const status: string[] = [];
  if (!e.registered) status.push(e.kind === 'enhanced' ? 'This detail is not registered with IANA.' : 'RFC 5321 does not list this reply code.');
  if (e.deprecated) status.push('Deprecated in the IANA registry.');
  const sections: Section[] = [
    { heading: 'Summary', items: [
      `Class: ${e.statusClass} (${describeClass(e.statusClass)})`,
      `Bounce type: ${BOUNCE_LABEL[e.bounceType]} — ${e.bounceTypeReason}`,
      `Category: ${e.category}`,
      `Action required: ${e.actionRequired}`,
      ...status,
    ] },
    { heading: 'What it means', paragraphs: [e.meaning] },
    { heading: 'Breakdown', items: e.breakdown },
    { heading: 'Common causes', items: e.causes, numbered: true },
    { heading: 'What to do — email marketers', items: e.marketerSteps, numbered: true },
    { heading: 'What to do — developers', items: e.developerSteps, numbered: true },
    { heading: 'How to investigate', items: e.investigation, numbered: true },
    { heading: 'Example server responses', items: e.examples },
    { heading: 'How providers word it', items: e.providerResponses.map((response) => `${response.provider}: "${response.text}"`) },
    { heading: 'Best practices', items: e.bestPractices, numbered: true },
  ];
  if (e.contrast) sections.push({ heading: 'Temporary or permanent?', paragraphs: [e.contrast] });
  if (e.vendorNotes.length > 0) sections.push({ heading: 'Vendor-specific meanings', items: e.vendorNotes.map((v) => `${v.vendor}: ${v.note}`) });
  sections.push({ heading: 'References', items: e.references });
  return sections.filter((section) => (section.paragraphs?.length ?? 0) + (section.items?.length ?? 0) > 0);
}

/** The full explanation as Markdown. All data text is escaped; the output holds no links. */
export function renderExplanationMarkdown(e: CodeExplanation): string {
  const lines = [`# ${escapeMarkdown(headline(e))}`, ''];
  for (const section of sectionsOf(e)) {
    lines.push(`## ${escapeMarkdown(section.heading)}`, '');
    for (const paragraph of section.paragraphs ?? []) lines.push(escapeMarkdown(paragraph), '');
    (section.items ?? []).forEach((item, index) => lines.push(`${section.numbered ? `${index + 1}.` : '-'} ${escapeMarkdown(item)}`));
    if (section.items?.length) lines.push('');
  }
  return lines.join('\n');
}

/** Wraps text at `width` columns with a hanging indent, for terminals. */
function wrap(text: string, indent: string, firstPrefix: string, width = 100): string[] {
  const out: string[] = [];
  let line = firstPrefix;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line.length + word.length + 1 > width && line.trim().length > firstPrefix.trim().length) {
      out.push(line.trimEnd());
      line = indent;
    }
    line += (line.endsWith(' ') || line === '' ? '' : ' ') + word;
  }
  out.push(line.trimEnd());
  return out;
}

/** The same content as renderExplanationMarkdown, as plain text for a terminal. */
export function renderExplanationText(e: CodeExplanation): string {
  const title = headline(e);
  const lines = [title, '='.repeat(title.length), ''];
  for (const section of sectionsOf(e)) {
    lines.push(section.heading.toUpperCase());
    for (const paragraph of section.paragraphs ?? []) lines.push(...wrap(paragraph, '  ', '  '));
    (section.items ?? []).forEach((item, index) => {
      const bullet = section.numbered ? `${index + 1}. ` : '- ';
      lines.push(...wrap(item, '  ' + ' '.repeat(bullet.length), `  ${bullet}`));
    });
    lines.push('');
  }
  return lines.join('\n');
}
