// The message index: log lines grouped per message (Postfix or Sendmail queue ID, Exim message ID), with what a
// trace shows of each message (sender, size, client, Message-ID, recipients and their outcomes, delay, first and last
// time, next hop) and the links between messages: a hand-off to a content filter or a local relay that queued the
// message under a new ID ("queued as NEWID", Exim's "id=NEWID"), and a shared Message-ID.
//
// Recipients' outcomes are the bounce recognizers' events and their verdicts the decision table's (createClassifier),
// never read again here. What is kept is bounded: lines and text per message, recipients and hand-offs per message,
// messages in all; a trace's index (focused on its query) keeps only the messages linked to it, and bounded lines and
// text in all.
import { DEFAULT_POLICY } from '../knowledge/policy';
import type { BouncePolicy, BounceType, ReasonCategory } from '../knowledge/types';
import { normalizeAddress } from '../bounce/address';
import { createClassifier, withVerdict } from '../bounce/classify';
import { clipped, detach } from '../bounce/detach';
import { createLogParser } from '../bounce/logs';
import type { BounceEvent, ClassifiedEvent, Outcome } from '../bounce/types';
import { OldestKeys } from '../oldestKeys';
import { parseTraceLine, type TraceLine, type TraceMta } from './line';

export { parseTraceLine } from './line';
export type { TraceLine, TraceMta } from './line';

/** Lines remembered per message, and characters of their text: a message stuck in the queue for weeks logs a
 * deferral every few minutes. */
const MAX_LINES_PER_MESSAGE = 10_000;
export const MAX_TEXT_PER_MESSAGE = 1 << 20;
/** Recipients remembered per message (a mailing list's message may have thousands). */
const MAX_RECIPIENTS = 1000;
/** IDs a message was handed off to, or from, remembered: one per recipient at most. */
const MAX_HAND_OFFS = MAX_RECIPIENTS;
/** Messages remembered; past this the oldest are forgotten (an index of a whole log is a few hundred bytes each). */
const MAX_MESSAGES = 500_000;
/** Keys of each lookup (addresses, Message-IDs, next hops' IDs) remembered. */
const MAX_LINK_KEYS = 500_000;
/** Messages one query follows at most (an address in every message of a log). */
export const MAX_TRACED_MESSAGES = 10_000;
/** Lines, and characters of their text, a trace's index keeps in all: 10,000 messages may each have 10,000 lines. */
export const MAX_LINES_KEPT = 100_000;
export const MAX_TEXT_KEPT = 16 << 20;
/** Messages a trace left out that it counts; reached, it says "at least". Their IDs are kept to count each once. */
export const MAX_OMITTED_COUNTED = 10_000;

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
  /**
   * A trace's index: a message is kept when its ID is one of `ids`, or when a line links it to `query` (its address or
   * Message-ID) or to a message kept (a hand-off either way, the same Message-ID); at most MAX_TRACED_MESSAGES
   * messages in all (those of `ids` always), MAX_LINES_KEPT lines and MAX_TEXT_KEPT of text. Without it, every message
   * is kept (an editor's document).
   */
  readonly focus?: { readonly ids: ReadonlySet<string>; readonly query: string };
}

const addressKey = (address: string) => address.toLowerCase();

/**
 * Message IDs by a key (a Message-ID, an address, a next hop's ID): one ID as a string, more as a set of at most
 * MAX_TRACED_MESSAGES (a query follows no more). Past MAX_LINK_KEYS keys the oldest go first, as the oldest messages do.
 */
class Links {
  private readonly ids = new Map<string, string | Set<string>>();
  private readonly oldest = new OldestKeys(this.ids);

  constructor(private readonly own: (text: string) => string) {}

  get(key: string): Iterable<string> {
    const ids = this.ids.get(key);
    return ids === undefined ? [] : typeof ids === 'string' ? [ids] : ids;
  }

  has(key: string): boolean {
    return this.ids.has(key);
  }

  add(key: string, id: string): void {
    const ids = this.ids.get(key);
    if (ids === undefined) {
      this.ids.set(this.own(key), id);
      if (this.ids.size > MAX_LINK_KEYS) this.ids.delete(this.oldest.next()!);
    } else if (typeof ids === 'string') {
      if (ids !== id) this.ids.set(key, new Set([ids, id]));
    } else if (ids.size < MAX_TRACED_MESSAGES) ids.add(id);
  }
}

/** Where `line` goes among `lines` (in order) to keep them in order. */
function insertionPoint(lines: readonly TracedLine[], line: TracedLine): number {
  let low = 0;
  let high = lines.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareLines(lines[middle], line) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** A query as typed, without what only marks a Message-ID: "<id@host>", "message-id=<id@host>", "msgid=<…>". */
export function bareQuery(query: string): string {
  return query.trim().replace(/^(?:message-id|msgid)=/i, '').replace(/^<(.*)>$/, '$1');
}

export class MessageIndex {
  private readonly messages = new Map<string, MessageTrace>();
  private readonly oldestMessages = new OldestKeys(this.messages);
  private readonly byMessageId: Links;
  private readonly byAddress: Links;
  /** The IDs that handed a message off, by the ID the next hop gave it. */
  private readonly handOffOrigins: Links;
  private readonly classify: (event: BounceEvent) => ClassifiedEvent;
  private parse = createLogParser();
  /** A text to keep: copied out of its chunk (detach.ts) unless the caller keeps the lines. */
  private readonly own: (text: string) => string;
  private file = '';
  private input = -1;
  /** What a focused index links to its query: the query as a Message-ID, and its address's key, if any. */
  private readonly queryBare?: string;
  private readonly queryAddress?: string;
  /** Lines and characters of text kept in all (bounded in a focused index). */
  private linesKept = 0;
  private textKept = 0;
  /** Messages linked to the query that a focused index left out (or a query did not follow), up to MAX_OMITTED_COUNTED. */
  private readonly leftOut = new Set<string>();

  constructor(private readonly options: IndexOptions = {}) {
    this.classify = createClassifier(options.policy ?? DEFAULT_POLICY);
    this.own = options.linesKept ? (text) => text : detach;
    this.byMessageId = new Links(this.own);
    this.byAddress = new Links(this.own);
    this.handOffOrigins = new Links(this.own);
    if (options.focus) {
      this.queryBare = bareQuery(options.focus.query);
      const address = this.queryBare.includes('@') ? normalizeAddress(this.queryBare) : undefined;
      this.queryAddress = address === undefined ? undefined : addressKey(address);
    }
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

  /** Messages linked to the query that were left out, past MAX_TRACED_MESSAGES; counted up to MAX_OMITTED_COUNTED. */
  get omittedMessages(): number {
    return this.leftOut.size;
  }

  /** Whether the message `id` was left out for the bound on messages. */
  wasLeftOut(id: string): boolean {
    return this.leftOut.has(id);
  }

  /**
   * Reads one line (1-based `line`) of the current input; returns what it says about its message, if anything. Lines
   * come in order, except the few a trace finds in the bytes it read already (trace/grep.ts): those are put in place.
   * Undefined too for a line a focused index leaves out.
   */
  add(text: string, line: number): TraceLine | undefined {
    const parsed = parseTraceLine(text);
    if (parsed && this.full(parsed.id)) return undefined;
    const events = this.parse(text, { file: this.file, line });
    if (!parsed) return undefined;
    const message = this.messages.get(parsed.id) ?? this.admit(parsed, events);
    if (!message) return undefined;
    const keep = this.options.keepText?.(parsed.id) ?? false;
    const { lines } = message;
    const focused = this.options.focus !== undefined;
    const room = lines.length < MAX_LINES_PER_MESSAGE && (!keep || message.textChars + text.length <= MAX_TEXT_PER_MESSAGE)
      && (!focused || (this.linesKept < MAX_LINES_KEPT && (!keep || this.textKept + text.length <= MAX_TEXT_KEPT)));
    // The text is copied only when it is kept.
    const traced: TracedLine = { file: this.file, input: this.input, line, idStart: parsed.idStart, text: room && keep ? this.own(text) : undefined };
    const last = lines[lines.length - 1];
    const inOrder = !last || compareLines(last, traced) < 0;
    if (room) {
      // A line found late (in the window before a new ID) goes in its place: no sort of all the lines for each.
      if (inOrder) lines.push(traced);
      else lines.splice(insertionPoint(lines, traced), 0, traced);
      this.linesKept++;
      if (keep) {
        message.textChars += text.length;
        this.textKept += text.length;
      }
    } else message.omittedLines++;
    if (parsed.entry) message.entry ??= { ...traced, text: undefined };
    this.learn(message, parsed, inOrder ? 'last' : lines[0] === traced ? 'first' : 'between');
    for (const event of events) this.record(message, event, parsed.relay);
    return parsed;
  }

  /**
   * Whether a focused index can neither keep message `id` nor count it as left out: then its lines are not parsed
   * at all (most of a trace's time). The bounce parser's state is kept by message ID, so the messages kept lose
   * nothing by it.
   */
  private full(id: string): boolean {
    const focus = this.options.focus;
    return focus !== undefined && this.messages.size >= MAX_TRACED_MESSAGES && this.leftOut.size >= MAX_OMITTED_COUNTED
      && !this.messages.has(id) && !focus.ids.has(id);
  }

  /** A new message for a line of an ID not seen yet; none when a focused index leaves it out. */
  private admit(parsed: TraceLine, events: readonly BounceEvent[]): MessageTrace | undefined {
    const focus = this.options.focus;
    if (focus && !focus.ids.has(parsed.id)) {
      if (!this.linksToQuery(parsed, events)) return undefined;
      if (this.messages.size >= MAX_TRACED_MESSAGES) {
        if (this.leftOut.size < MAX_OMITTED_COUNTED) this.leftOut.add(this.own(parsed.id));
        return undefined;
      }
    }
    if (this.messages.size >= MAX_MESSAGES) {
      // The lookups keep the name; resolve() skips names whose message is gone.
      this.messages.delete(this.oldestMessages.next()!);
    }
    const message: MessageTrace = {
      id: this.own(parsed.id), mta: parsed.mta, handedOffTo: [], handedOffFrom: [], recipients: new Map(), omittedRecipients: 0,
      lines: [], omittedLines: 0, textChars: 0,
    };
    this.messages.set(message.id, message);
    for (const origin of this.handOffOrigins.get(message.id)) {
      if (message.handedOffFrom.length >= MAX_HAND_OFFS) break;
      message.handedOffFrom.push(origin);
    }
    return message;
  }

  /** Whether a line of a message a focused index does not have links it to the query or to a message it has. */
  private linksToQuery(parsed: TraceLine, events: readonly BounceEvent[]): boolean {
    const ids = this.options.focus!.ids;
    if (this.handOffOrigins.has(parsed.id)) return true;
    if (parsed.handOff !== undefined && (this.messages.has(parsed.handOff) || ids.has(parsed.handOff))) return true;
    if (parsed.messageId && (parsed.messageId === this.queryBare || this.byMessageId.has(parsed.messageId))) return true;
    const key = this.queryAddress;
    if (key === undefined) return false;
    const sender = parsed.sender === undefined ? undefined : normalizeAddress(parsed.sender);
    if (sender !== undefined && addressKey(sender) === key) return true;
    // The recipients record() would take (those of this line's message), by the key it links them by.
    return events.some((event) => (event.messageId === undefined || event.messageId === parsed.id) && addressKey(event.address) === key);
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
      if (address) this.byAddress.add(addressKey(address), message.id);
    }
    if (parsed.size !== undefined) message.size ??= parsed.size;
    if (parsed.client !== undefined) message.client ??= kept(parsed.client);
    if (parsed.messageId && message.messageId === undefined) {
      message.messageId = kept(parsed.messageId);
      this.byMessageId.add(message.messageId!, message.id);
    }
    if (parsed.delay !== undefined) message.delay = kept(parsed.delay);
    if (parsed.relay !== undefined) message.nextHop = kept(parsed.relay);
    if (parsed.handOff && parsed.handOff !== message.id && message.handedOffTo.length < MAX_HAND_OFFS && !message.handedOffTo.includes(parsed.handOff)) {
      message.handedOffTo.push(this.own(parsed.handOff));
      this.handOffOrigins.add(parsed.handOff, message.id);
      // The new ID's first lines (the filter's re-injection) are often logged before the line that hands it off.
      const next = this.messages.get(parsed.handOff);
      if (next && next.handedOffFrom.length < MAX_HAND_OFFS && !next.handedOffFrom.includes(message.id)) next.handedOffFrom.push(message.id);
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
      this.byAddress.add(addressKey(recipient.address), message.id);
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
    for (const id of this.byMessageId.get(bare)) start.add(id);
    const address = bare.includes('@') ? normalizeAddress(bare) : undefined;
    for (const id of address ? this.byAddress.get(addressKey(address)) : []) start.add(id);
    return this.closure(start);
  }

  /**
   * The messages linked to the ones named, as resolve() gives them: at most MAX_TRACED_MESSAGES, found breadth first
   * from the IDs in their order (the first ones of the log, for an address); those past it are counted as left out.
   */
  closure(ids: Iterable<string>): MessageTrace[] {
    const found = new Map<string, MessageTrace>();
    const waiting = [...ids];
    // Each Message-ID's messages are queued once: thousands of messages may share one.
    const messageIds = new Set<string>();
    for (let next = 0; next < waiting.length; next++) {
      const id = waiting[next];
      const message = this.messages.get(id);
      if (!message || found.has(id)) continue;
      if (found.size >= MAX_TRACED_MESSAGES) {
        if (this.leftOut.size < MAX_OMITTED_COUNTED) this.leftOut.add(id);
        continue;
      }
      found.set(id, message);
      for (const other of message.handedOffTo) waiting.push(other);
      for (const other of message.handedOffFrom) waiting.push(other);
      if (message.messageId && !messageIds.has(message.messageId)) {
        messageIds.add(message.messageId);
        for (const other of this.byMessageId.get(message.messageId)) waiting.push(other);
      }
    }
    return [...found.values()].sort((a, b) => compareLines(a.lines[0], b.lines[0]));
  }

  /** IDs named by the query or linked to it that have no lines in the index (yet), nor were left out: a next hop's ID,
   * mostly; at most MAX_TRACED_MESSAGES. */
  unseenLinks(messages: readonly MessageTrace[]): string[] {
    const unseen = new Set<string>();
    for (const message of messages) {
      for (const id of message.handedOffTo) {
        if (unseen.size >= MAX_TRACED_MESSAGES) return [...unseen];
        if (!this.messages.has(id) && !this.leftOut.has(id)) unseen.add(id);
      }
    }
    return [...unseen];
  }
}

/** Input order, then line number. */
export function compareLines(a: TracedLine | undefined, b: TracedLine | undefined): number {
  if (!a || !b) return a ? -1 : b ? 1 : 0;
  return a.input - b.input || a.line - b.line;
}
