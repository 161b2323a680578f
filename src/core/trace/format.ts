// What a trace shows: a summary of each message (plain text for the CLI and the editor's trace document, Markdown for
// the hover card) and the JSON the CLI prints. Text from the log is data: the CLI escapes what acts on a terminal,
// the card escapes Markdown (src/core/markdown.ts).
import { escapeMarkdown } from '../markdown';
import { MAX_OMITTED_COUNTED, type MessageTrace, type RecipientOutcome, type TracedLine } from './index';
import type { TraceResult } from './trace';

const MTA_NAMES = { postfix: 'Postfix', exim: 'Exim', sendmail: 'Sendmail' } as const;
/** Characters of a diagnostic a summary line shows. */
const DIAGNOSTIC_CHARS = 160;

const shortened = (text: string, limit = DIAGNOSTIC_CHARS) => (text.length > limit ? `${text.slice(0, limit)}…` : text);

/** "bounced 5.1.1 550 (hard, user-unknown)", "deferred 3 times, last 4.7.1 (soft, greylisted)", "delivered". */
export function outcomeText(recipient: RecipientOutcome): string {
  const codes = [recipient.status, recipient.reply].filter(Boolean).join(' ');
  const verdict = recipient.type === 'none' ? '' : ` (${recipient.type}, ${recipient.reason})`;
  const times = recipient.deferrals === 1 ? 'once' : `${recipient.deferrals} times`;
  switch (recipient.outcome) {
    case 'delivered': return recipient.deferrals ? `delivered after ${recipient.deferrals} deferral${recipient.deferrals === 1 ? '' : 's'}` : 'delivered';
    case 'deferred': return `deferred ${times}, last ${codes || 'without a code'}${verdict}`;
    case 'failed': return `bounced ${codes}${verdict}`.replace('bounced  (', 'bounced (');
    default: return `rejected ${codes}${verdict}`;
  }
}

/** The facts of a message in short phrases: "from <a@b>", "size 1234", "client host[ip]", … */
function facts(message: MessageTrace): string[] {
  return [
    message.sender !== undefined ? `from <${message.sender}>` : undefined,
    message.size !== undefined ? `size ${message.size}` : undefined,
    message.client !== undefined ? `client ${message.client}` : undefined,
    message.messageId !== undefined ? `Message-ID <${message.messageId}>` : undefined,
  ].filter((fact): fact is string => fact !== undefined);
}

function times(message: MessageTrace): string | undefined {
  const span = message.firstDate && message.lastDate && message.firstDate !== message.lastDate ? `${message.firstDate} → ${message.lastDate}` : message.firstDate;
  const parts = [span, message.delay !== undefined ? `delay ${message.delay}` : undefined].filter(Boolean);
  return parts.length ? parts.join(', ') : undefined;
}

const place = (line: TracedLine | undefined) => (line ? `${line.file}:${line.line}` : undefined);

/** The summary of the messages, as plain lines (no line breaks inside one). */
export function summaryLines(messages: readonly MessageTrace[]): string[] {
  const out: string[] = [];
  for (const message of messages) {
    const where = place(message.entry ?? message.lines[0]);
    out.push(`${MTA_NAMES[message.mta]} message ${message.id}${where ? ` (${message.entry ? 'entered at' : 'first line'} ${where})` : ''}`);
    const known = facts(message);
    if (known.length) out.push(`  ${known.join(', ')}`);
    const when = times(message);
    if (when) out.push(`  ${when}`);
    if (message.handedOffFrom.length) out.push(`  handed off from ${message.handedOffFrom.join(', ')}`);
    if (message.nextHop !== undefined) out.push(`  next hop ${message.nextHop}${message.handedOffTo.length ? `, queued there as ${message.handedOffTo.join(', ')}` : ''}`);
    for (const recipient of message.recipients.values()) {
      const remote = recipient.remoteMta ? ` via ${recipient.remoteMta}` : '';
      const said = recipient.outcome === 'delivered' || !recipient.diagnostic ? '' : `: ${shortened(recipient.diagnostic)}`;
      out.push(`  ${recipient.address}: ${outcomeText(recipient)}${remote}${said}`);
    }
    if (message.omittedRecipients) out.push(`  … and ${message.omittedRecipients} more recipients`);
    out.push(`  ${message.lines.length + message.omittedLines} line${message.lines.length + message.omittedLines === 1 ? '' : 's'}`);
  }
  return out;
}

/** The CLI's JSON: the messages with their recipients and lines, and what was left out past the bounds. */
export function traceJson(result: TraceResult): unknown {
  return {
    query: result.query,
    complete: result.complete,
    omittedMessages: result.omittedMessages,
    // The count stopped there: at least that many were left out.
    omittedMessagesAtLeast: result.omittedMessages >= MAX_OMITTED_COUNTED,
    omittedLines: result.omittedLines,
    messages: result.messages.map((message) => ({
      id: message.id, mta: message.mta, sender: message.sender ?? null, size: message.size ?? null, client: message.client ?? null,
      messageId: message.messageId ?? null, entry: message.entry ? { file: message.entry.file, line: message.entry.line } : null,
      firstDate: message.firstDate ?? null, lastDate: message.lastDate ?? null, delay: message.delay ?? null, nextHop: message.nextHop ?? null,
      handedOffTo: message.handedOffTo, handedOffFrom: message.handedOffFrom,
      recipients: [...message.recipients.values()].map((recipient) => ({
        address: recipient.address, outcome: recipient.outcome, deferrals: recipient.deferrals, status: recipient.status ?? null,
        reply: recipient.reply ?? null, type: recipient.type, reason: recipient.reason, diagnostic: recipient.diagnostic,
        remoteMta: recipient.remoteMta ?? null, file: recipient.file, line: recipient.line,
      })),
      omittedRecipients: message.omittedRecipients,
      omittedLines: message.omittedLines,
    })),
    lines: result.lines.map((line) => ({ file: line.file, line: line.line, text: line.text ?? '' })),
    problems: result.problems.map(({ file, problem }) => ({ file, problem })),
  };
}

/**
 * The hover card of a message's life: each message of the chain with its facts and each recipient's outcome, and a
 * link to `traceLink` (our own command, given by the caller). Everything from the log is escaped.
 */
export function traceCard(messages: readonly MessageTrace[], traceLink?: string): string {
  const out: string[] = [];
  for (const message of messages) {
    const hop = message.handedOffFrom.length ? ` ← ${message.handedOffFrom.map(escapeMarkdown).join(', ')}` : '';
    out.push(`**${MTA_NAMES[message.mta]} message ${escapeMarkdown(message.id)}**${hop}`);
    const known = facts(message);
    const when = times(message);
    if (known.length || when) out.push('', [...known, ...(when ? [when] : [])].map(escapeMarkdown).join(' · '));
    if (message.nextHop !== undefined) {
      const queued = message.handedOffTo.length ? ` → ${message.handedOffTo.map(escapeMarkdown).join(', ')}` : '';
      out.push('', `next hop ${escapeMarkdown(message.nextHop)}${queued}`);
    }
    const recipients = [...message.recipients.values()];
    if (recipients.length) {
      out.push('');
      for (const recipient of recipients) {
        const said = recipient.outcome === 'delivered' || !recipient.diagnostic ? '' : ` — ${escapeMarkdown(shortened(recipient.diagnostic, 120))}`;
        out.push(`- ${escapeMarkdown(recipient.address)}: **${escapeMarkdown(outcomeText(recipient))}**${said}`);
      }
      if (message.omittedRecipients) out.push(`- … and ${message.omittedRecipients} more`);
    }
    out.push('');
  }
  if (traceLink) out.push(traceLink);
  return out.join('\n').trim();
}
