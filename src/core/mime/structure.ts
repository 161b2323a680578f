// The structure of a message as the editor shows it: where its header blocks, MIME parts, returned original and DSN
// recipients sit, by line. postal-mime (the engine's parser) gives contents, not positions, so this walks the lines
// itself; it reads only what an outline names (types, charsets, encodings, sizes, DSN fields) and decodes nothing.
// An mbox is one node per message.
import { decodeEncodedWords } from '../bounce/charset';
import { fieldsOf } from '../bounce/dsn';

export type MimeNodeKind = 'message' | 'headers' | 'part' | 'recipient';

export interface MimeNode {
  readonly kind: MimeNodeKind;
  readonly label: string;
  readonly detail: string;
  /** First and last line (0-based, inclusive). */
  readonly startLine: number;
  readonly endLine: number;
  readonly children: MimeNode[];
  /** A part's body: its first line, its transfer encoding and charset (for a decoded view). */
  readonly body?: { readonly startLine: number; readonly encoding: string; readonly charset?: string; readonly contentType: string };
}

/** Nesting beyond this is not followed: a real bounce nests two or three levels. */
const MAX_DEPTH = 12;
/** Nodes in one outline; a hostile message of 100,000 parts shows the first ones. */
export const MAX_NODES = 5000;
const MBOX_SEPARATOR = /^From \S/;
const PARAMETER = (name: string) => new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]{0,200})"|([^\\s;]{1,200}))`, 'i');
const BOUNDARY = PARAMETER('boundary');
const CHARSET = PARAMETER('charset');

interface Budget { nodes: number }

/** The header block starting at `start`: its field lines and the line after it (the blank line, or `end`). */
function headerBlock(lines: readonly string[], start: number, end: number): { fields: Map<string, string>; last: number; bodyStart: number } {
  let line = start;
  while (line < end && lines[line] !== '' && lines[line].trim() !== '') line++;
  // fieldsOf unfolds continuation lines and keeps the first value of each name (lower case).
  return { fields: fieldsOf(lines.slice(start, line).map((text) => text.slice(0, 2000))), last: line - 1, bodyStart: Math.min(line + 1, end) };
}

function mediaType(fields: ReadonlyMap<string, string>): string {
  return (fields.get('content-type') ?? 'text/plain').split(';')[0].trim().toLowerCase() || 'text/plain';
}

function parameter(fields: ReadonlyMap<string, string>, pattern: RegExp): string | undefined {
  const match = pattern.exec(fields.get('content-type') ?? '');
  return match ? (match[1] ?? match[2]) : undefined;
}

function characters(lines: readonly string[], start: number, end: number): number {
  let total = 0;
  for (let line = start; line < end; line++) total += lines[line].length + 1;
  return total;
}

function sizeText(size: number): string {
  return size < 1024 ? `${size} B` : size < 1024 * 1024 ? `${(size / 1024).toFixed(1)} KB` : `${(size / 1024 / 1024).toFixed(1)} MB`;
}

/** One recipient block of a delivery-status part per recipient: its address, Action and Status. */
function recipientNodes(lines: readonly string[], start: number, end: number, budget: Budget): MimeNode[] {
  const nodes: MimeNode[] = [];
  let block = start;
  for (let line = start; line <= end && budget.nodes < MAX_NODES; line++) {
    if (line < end && lines[line].trim() !== '') continue;
    if (line > block) {
      const fields = fieldsOf(lines.slice(block, line).map((text) => text.slice(0, 2000)));
      const recipient = fields.get('final-recipient') ?? fields.get('original-recipient');
      if (recipient) {
        budget.nodes++;
        const address = recipient.replace(/^[^;]*;\s*/, '').replace(/^<|>$/g, '');
        const detail = [fields.get('action') && `Action: ${fields.get('action')}`, fields.get('status') && `Status: ${fields.get('status')}`].filter(Boolean).join(' · ');
        nodes.push({ kind: 'recipient', label: address, detail, startLine: block, endLine: line - 1, children: [] });
      }
    }
    block = line + 1;
  }
  return nodes;
}

/** A MIME entity (headers and body) on lines [start, end): its node, with its parts. */
function entity(lines: readonly string[], start: number, end: number, kind: 'message' | 'part', depth: number, budget: Budget): MimeNode {
  budget.nodes++;
  const { fields, last, bodyStart } = headerBlock(lines, start, end);
  const type = mediaType(fields);
  const charset = parameter(fields, CHARSET);
  const encoding = (fields.get('content-transfer-encoding') ?? '7bit').trim().toLowerCase();
  const bodySize = characters(lines, bodyStart, end);
  const children: MimeNode[] = [];
  if (kind === 'message' && last >= start) {
    budget.nodes++;
    children.push({ kind: 'headers', label: 'Headers', detail: `${fields.size} fields`, startLine: start, endLine: last, children: [] });
  }
  const boundary = type.startsWith('multipart/') ? parameter(fields, BOUNDARY) : undefined;
  if (depth < MAX_DEPTH && budget.nodes < MAX_NODES) {
    if (boundary) children.push(...parts(lines, bodyStart, end, boundary, depth, budget));
    else if (/^message\/(?:rfc822|global)$/.test(type) && bodyStart < end) children.push(entity(lines, bodyStart, end, 'message', depth + 1, budget));
    else if (/^(?:message|text)\/(?:rfc822-headers|global-headers)$/.test(type) && bodyStart < end) {
      const block = headerBlock(lines, bodyStart, end);
      budget.nodes++;
      children.push({ kind: 'headers', label: 'Returned headers', detail: `${block.fields.size} fields`, startLine: bodyStart, endLine: Math.max(bodyStart, block.last), children: [] });
    } else if (/^(?:message|text)\/(?:global-)?delivery-status$/.test(type)) children.push(...recipientNodes(lines, bodyStart, end, budget));
  }
  const describedType = [type, charset, encoding !== '7bit' ? encoding : undefined, sizeText(bodySize)].filter(Boolean).join(' · ');
  const endLine = Math.max(start, end - 1);
  if (kind === 'message') {
    const subject = fields.get('subject');
    return { kind, label: subject ? decodeEncodedWords(subject).slice(0, 200) : '(no subject)', detail: [fields.get('date'), describedType].filter(Boolean).join(' · '), startLine: start, endLine, children };
  }
  return {
    kind, label: type, detail: [charset, encoding, sizeText(bodySize)].filter(Boolean).join(' · '), startLine: start, endLine, children,
    body: bodyStart < end && !boundary ? { startLine: bodyStart, encoding, charset, contentType: type } : undefined,
  };
}

/** The parts of a multipart body on lines [start, end), between its delimiter lines. */
function parts(lines: readonly string[], start: number, end: number, boundary: string, depth: number, budget: Budget): MimeNode[] {
  const delimiter = `--${boundary}`;
  const nodes: MimeNode[] = [];
  let partStart = -1;
  for (let line = start; line < end; line++) {
    const text = lines[line];
    if (!text.startsWith(delimiter)) continue;
    const rest = text.slice(delimiter.length).trimEnd();
    if (rest !== '' && rest !== '--') continue;
    if (partStart >= 0 && budget.nodes < MAX_NODES) nodes.push(entity(lines, partStart, line, 'part', depth + 1, budget));
    if (rest === '--') return nodes;
    partStart = line + 1;
  }
  // An unclosed multipart: its last part runs to the end.
  if (partStart >= 0 && partStart < end && budget.nodes < MAX_NODES) nodes.push(entity(lines, partStart, end, 'part', depth + 1, budget));
  return nodes;
}

/** The outline of a message or an mbox, given its lines (without line ends). */
export function messageStructure(lines: readonly string[]): MimeNode[] {
  const budget: Budget = { nodes: 0 };
  if (!MBOX_SEPARATOR.test(lines[0] ?? '')) return lines.length ? [entity(lines, 0, lines.length, 'message', 0, budget)] : [];
  const starts: number[] = [];
  for (let line = 0; line < lines.length; line++) {
    if (MBOX_SEPARATOR.test(lines[line]) && (line === 0 || lines[line - 1] === '')) starts.push(line);
  }
  const messages: MimeNode[] = [];
  for (let index = 0; index < starts.length && budget.nodes < MAX_NODES; index++) {
    const end = index + 1 < starts.length ? starts[index + 1] : lines.length;
    const message = entity(lines, starts[index] + 1, end, 'message', 0, budget);
    messages.push({ ...message, startLine: starts[index] });
  }
  return messages;
}
