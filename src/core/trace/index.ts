// The message index: log lines grouped per message (Postfix or Sendmail queue ID, Exim message ID), with what a
// trace shows of each message (sender, size, client, Message-ID, recipients and their outcomes, delay, first and last
// time, next hop) and the links between messages: a hand-off to a content filter or a local relay that queued the
// message under a new ID ("queued as NEWID", Exim's "id=NEWID"), and a shared Message-ID.
//
// Recipients' outcomes are the bounce recognizers' events and their verdicts the decision table's (createClassifier),
// never read again here. What is kept is bounded: lines and text per message, recipients per message, messages in all.
import { DEFAULT_POLICY } from '../knowledge/policy';
import type { BouncePolicy, BounceType, ReasonCategory } from '../knowledge/types';
import { normalizeAddress } from '../bounce/address';
import { createClassifier, withVerdict } from '../bounce/classify';
import { clipped, detach } from '../bounce/detach';
import { createLogParser } from '../bounce/logs';
import type { BounceEvent, ClassifiedEvent, Outcome } from '../bounce/types';
import { parseTraceLine, type TraceLine, type TraceMta } from './line';

export { parseTraceLine } from './line';
export type { TraceLine, TraceMta } from './line';

/** Lines remembered per message, and characters of their text: a message stuck in the queue for weeks logs a
 * deferral every few minutes. */
const MAX_LINES_PER_MESSAGE = 10_000;
export const MAX_TEXT_PER_MESSAGE = 1 << 20;
/** Recipients remembered per message (a mailing list's message may have thousands). */
const MAX_RECIPIENTS = 1000;
/** Messages remembered; past this the oldest are forgotten (an index of a whole log is a few hundred bytes each). */
const MAX_MESSAGES = 500_000;
/** Keys of each lookup (addresses, Message-IDs, next hops' IDs) remembered. */
const MAX_LINK_KEYS = 500_000;
/** Messages one query follows at most (an address in every message of a log). */
export const MAX_TRACED_MESSAGES = 10_000;

/** One line of a message. */
export interface TracedLine {
  readonly file: string;
  /** Which input the line came from, in reading order: lines sort by it, then by number. */
  readonly input: number;
  readonly line: number;
  /** Where the message's ID starts on the line. */
  readonly idStart: number;
  /** The line's text, when the index keeps texts (the CLI), else undefined (the editor has the document). */
  readonly text?: string;
}

/** What became of one recipient of one message: its last outcome, with the decision table's verdict. */
export interface RecipientOutcome {
  readonly address: string;
  outcome: Outcome;
  /** Times it was deferred. */
  deferrals: number;
  status?: string;
  reply?: string;
  /** hard, review or soft for a failure or deferral; none for a delivery. */
  type: BounceType;
  reason: ReasonCategory;
  diagnostic: string;
  remoteMta?: string;
  file: string;
  line: number;
}

/** One message under one ID. */
export interface MessageTrace {
  readonly id: string;
  readonly mta: TraceMta;
  sender?: string;
  size?: number;
  client?: string;
  messageId?: string;
  /** The line where the message entered (smtpd client=, pickup, Exim <=, Sendmail from=). */
  entry?: TracedLine;
  firstDate?: string;
  lastDate?: string;
  delay?: string;
  /** The last next hop a delivery line named. */
  nextHop?: string;
  /** IDs the next hop gave the message, and the IDs whose hand-off became this message. */
  readonly handedOffTo: string[];
  readonly handedOffFrom: string[];
  readonly recipients: Map<string, RecipientOutcome>;
  /** Recipients beyond MAX_RECIPIENTS, not remembered. */
  omittedRecipients: number;
  readonly lines: TracedLine[];
  /** Lines beyond the bounds, not remembered (their text or the whole line). */
  omittedLines: number;
  textChars: number;
}

export interface IndexOptions {
  readonly policy?: BouncePolicy;
  /** Whether to keep the text of a line of message `id` (the CLI prints them); no texts when absent. */
  readonly keepText?: (id: string) => boolean;
  /**
   * Whether the lines are standalone strings that the caller keeps anyway (an editor's document): then what the index
   * keeps of them is not copied out. Lines cut from a read chunk must be copied, or each kept piece holds its chunk.
   */
  readonly linesKept?: boolean;
}

const addressKey = (address: string) => address.toLowerCase();

/** Message IDs by a key (a Message-ID, an address, a next hop's ID): one ID as a string, more as a set. */
type Links = Map<string, string | Set<string>>;
const linked = (links: Links, key: string): Iterable<string> => {
  const ids = links.get(key);
  return ids === undefined ? [] : typeof ids === 'string' ? [ids] : ids;
};

/** A query as typed, without what only marks a Message-ID: "<id@host>", "message-id=<id@host>", "msgid=<…>". */
export function bareQuery(query: string): string {
  return query.trim().replace(/^(?:message-id|msgid)=/i, '').replace(/^<(.*)>$/, '$1');
}

export class MessageIndex {
  private readonly messages = new Map<string, MessageTrace>();
  private readonly byMessageId: Links = new Map();
  private readonly byAddress: Links = new Map();
  /** The IDs that handed a message off, by the ID the next hop gave it. */
  private readonly handOffOrigins: Links = new Map();
  private readonly classify: (event: BounceEvent) => ClassifiedEvent;
  private parse = createLogParser();
  /** A text to keep: copied out of its chunk (detach.ts) unless the caller keeps the lines. */
  private readonly own: (text: string) => string;
  private file = '';
  private input = -1;

  constructor(private readonly options: IndexOptions = {}) {
    this.classify = createClassifier(options.policy ?? DEFAULT_POLICY);
    this.own = options.linesKept ? (text) => text : detach;
  }

  /** Lines added from now on come from this input (a file, a stream, a document), read in order. */
  startInput(name: string): void {
    this.file = name;
    this.input++;
    this.parse = createLogParser();
  }

  get size(): number {
    return this.messages.size;
  }

  /**
   * Reads one line (1-based `line`) of the current input; returns what it says about its message, if anything. Lines
   * come in order, except the few a trace finds in the bytes it read already (trace/grep.ts): those are put in place.
   */
  add(text: string, line: number): TraceLine | undefined {
    const events = this.parse(text, { file: this.file, line });
    const parsed = parseTraceLine(text);
    if (!parsed) return undefined;
    const message = this.messageFor(parsed);
    const keep = this.options.keepText?.(parsed.id) ?? false;
    const traced: TracedLine = { file: this.file, input: this.input, line, idStart: parsed.idStart, text: keep ? this.own(text) : undefined };
    const last = message.lines[message.lines.length - 1];
    const inOrder = !last || compareLines(last, traced) < 0;
    if (message.lines.length < MAX_LINES_PER_MESSAGE && (!keep || message.textChars + text.length <= MAX_TEXT_PER_MESSAGE)) {
      message.lines.push(traced);
      if (!inOrder) message.lines.sort(compareLines);
      if (keep) message.textChars += text.length;
    } else message.omittedLines++;
    if (parsed.entry) message.entry ??= { ...traced, text: undefined };
    this.learn(message, parsed, inOrder ? 'last' : message.lines[0] === traced ? 'first' : 'between');
    for (const event of events) this.record(message, event, parsed.relay);
    return parsed;
  }

  private messageFor(parsed: TraceLine): MessageTrace {
    const known = this.messages.get(parsed.id);
    if (known) return known;
    if (this.messages.size >= MAX_MESSAGES) this.forgetOldest();
    const message: MessageTrace = {
      id: this.own(parsed.id), mta: parsed.mta, handedOffTo: [], handedOffFrom: [], recipients: new Map(), omittedRecipients: 0,
      lines: [], omittedLines: 0, textChars: 0,
    };
    this.messages.set(message.id, message);
    message.handedOffFrom.push(...linked(this.handOffOrigins, message.id));
    return message;
  }

  private forgetOldest(): void {
    const [oldest] = this.messages.keys();
    this.messages.delete(oldest);
    // The lookups keep the name; resolve() skips names whose message is gone.
  }

  /** Links `key` to message `id`: most keys name one message, kept as a string; a set once a second one comes. */
  private link(map: Links, key: string, id: string): void {
    const ids = map.get(key);
    if (ids === undefined) {
      map.set(this.own(key), id);
      // The oldest keys go first, as the oldest messages do.
      if (map.size > MAX_LINK_KEYS) map.delete(map.keys().next().value!);
    }
    else if (typeof ids === 'string') {
      if (ids !== id) map.set(key, new Set([ids, id]));
    } else ids.add(id);
  }

  /** `place`: where the line falls among the message's lines so far (the times of the first and last change). */
  private learn(message: MessageTrace, parsed: TraceLine, place: 'first' | 'between' | 'last'): void {
    const kept = (text: string | undefined) => (text === undefined ? undefined : this.own(clipped(text, 1024)));
    if (parsed.date) {
      if (message.firstDate === undefined || place === 'first') message.firstDate = kept(parsed.date);
      if (place === 'last') message.lastDate = kept(parsed.date);
    }
    if (parsed.sender !== undefined && message.sender === undefined) {
      message.sender = kept(parsed.sender);
      const address = normalizeAddress(parsed.sender);
      if (address) this.link(this.byAddress, addressKey(address), message.id);
    }
    if (parsed.size !== undefined) message.size ??= parsed.size;
    if (parsed.client !== undefined) message.client ??= kept(parsed.client);
    if (parsed.messageId && message.messageId === undefined) {
      message.messageId = kept(parsed.messageId);
      this.link(this.byMessageId, message.messageId!, message.id);
    }
    if (parsed.delay !== undefined) message.delay = kept(parsed.delay);
    if (parsed.relay !== undefined) message.nextHop = kept(parsed.relay);
    if (parsed.handOff && parsed.handOff !== message.id && !message.handedOffTo.includes(parsed.handOff)) {
      message.handedOffTo.push(this.own(parsed.handOff));
      this.link(this.handOffOrigins, parsed.handOff, message.id);
      // The new ID's first lines (the filter's re-injection) are often logged before the line that hands it off.
      const next = this.messages.get(parsed.handOff);
      if (next && !next.handedOffFrom.includes(message.id)) next.handedOffFrom.push(message.id);
    }
  }

  private record(message: MessageTrace, event: BounceEvent, relay: string | undefined): void {
    // Only the recipients of this line's message: a qmgr "expired" line reports that message's deferred recipients.
    if (event.messageId !== undefined && event.messageId !== message.id) return;
    const classified = event.outcome === 'delivered' ? withVerdict(event, 'none', 'success', 'delivered') : this.classify(event);
    let recipient = message.recipients.get(event.address);
    if (!recipient) {
      if (message.recipients.size >= MAX_RECIPIENTS) {
        message.omittedRecipients++;
        return;
      }
      recipient = {
        address: this.own(event.address), outcome: event.outcome, deferrals: 0, type: classified.type, reason: classified.reason,
        diagnostic: '', file: event.file, line: event.line,
      };
      message.recipients.set(recipient.address, recipient);
      this.link(this.byAddress, addressKey(recipient.address), message.id);
    }
    if (event.outcome === 'deferred') recipient.deferrals++;
    recipient.outcome = event.outcome;
    recipient.status = event.status === undefined ? undefined : this.own(event.status);
    recipient.reply = event.reply === undefined ? undefined : this.own(event.reply);
    recipient.type = classified.type;
    recipient.reason = classified.reason;
    recipient.diagnostic = this.own(clipped(event.diagnostic, 1024));
    const remote = event.remoteMta ?? relay;
    recipient.remoteMta = remote === undefined ? undefined : this.own(clipped(remote, 1024));
    recipient.file = event.file;
    recipient.line = event.line;
  }

  message(id: string): MessageTrace | undefined {
    return this.messages.get(id);
  }

  /**
   * The messages a query names, with every message linked to them by a hand-off (both ways) or a shared Message-ID,
   * in the order they first appear. A query is an ID, a Message-ID ("<…>", "message-id=<…>" or bare) or an address
   * (messages from it or to it).
   */
  resolve(query: string): MessageTrace[] {
    const bare = bareQuery(query);
    const start = new Set<string>();
    if (this.messages.has(bare)) start.add(bare);
    for (const id of linked(this.byMessageId, bare)) start.add(id);
    const address = bare.includes('@') ? normalizeAddress(bare) : undefined;
    for (const id of address ? linked(this.byAddress, addressKey(address)) : []) start.add(id);
    return this.closure(start);
  }

  /** The messages linked to the ones named, as resolve() gives them. */
  closure(ids: Iterable<string>): MessageTrace[] {
    const found = new Map<string, MessageTrace>();
    const waiting = [...ids];
    while (waiting.length && found.size < MAX_TRACED_MESSAGES) {
      const id = waiting.pop()!;
      const message = this.messages.get(id);
      if (!message || found.has(id)) continue;
      found.set(id, message);
      waiting.push(...message.handedOffTo, ...message.handedOffFrom);
      if (message.messageId) waiting.push(...linked(this.byMessageId, message.messageId));
    }
    return [...found.values()].sort((a, b) => compareLines(a.lines[0], b.lines[0]));
  }

  /** IDs named by the query or linked to it that have no lines in the index (yet): a next hop's ID, mostly. */
  unseenLinks(messages: readonly MessageTrace[]): string[] {
    return [...new Set(messages.flatMap((message) => message.handedOffTo))].filter((id) => !this.messages.has(id));
  }
}

/** Input order, then line number. */
export function compareLines(a: TracedLine | undefined, b: TracedLine | undefined): number {
  if (!a || !b) return a ? -1 : b ? 1 : 0;
  return a.input - b.input || a.line - b.line;
}
