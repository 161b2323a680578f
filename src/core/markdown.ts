// Untrusted text (log lines, bounce messages, DNS and SMTP answers) shown as Markdown in hovers, reports and
// explanations is data: escaped so that it never becomes a link, an image, HTML, emphasis, a table cell or a block
// (heading, quote, list). Reports open as Markdown source, so only what Markdown would act on is escaped: dots,
// hyphens and parentheses inside a line stay readable.

import { withoutControls } from './text';

const INLINE = /[\\`*_[\]|~]/g; // escapes, code spans, emphasis, links and images ("(" is inert without "["), cells
const HTML: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;' };
// Heading, list item, setext underline or ordered item: a marker followed by a space or the end ("5.3.2" is none).
const BLOCK_START = /^(\s*)(?:([#+\-=])|(\d{1,9})([.)]))(?=\s|$)/;

/** Escapes Markdown and HTML syntax in untrusted text; line breaks become spaces, other control characters "?". */
export function escapeMarkdown(text: string): string {
  return withoutControls(text.replace(/\r\n|[\r\n\t]/g, ' '))
    .replace(INLINE, (char) => `\\${char}`)
    .replace(/[<>&]/g, (char) => HTML[char])
    .replace(BLOCK_START, (_match, space: string, marker?: string, digits?: string, delimiter?: string) =>
      (marker ? `${space}\\${marker}` : `${space}${digits}\\${delimiter}`));
}
