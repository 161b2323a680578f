// Failed recipients named by the human-readable text of a bounce: its failed-recipient lines and the SMTP session
// transcript it quotes. Addresses anywhere else in the text (senders, Message-IDs, URLs, ARNs) are not recipients.
import { ADDRESS_IN_TEXT, normalizeAddress } from './address';
import { clipped, KEPT_CHARS } from './detach';
import type { SmtpStage } from './types';
import { squeezeSpaces } from '../text';

export interface BodyRecipient {
  readonly address: string;
  readonly diagnostic: string;
  readonly source: 'text' | 'transcript' | 'original';
  /** The command the failing reply answered, from the transcript. */
  readonly stage?: SmtpStage;
}

/** Role addresses of mail systems: rarely the failed recipient, though a bounce of mail to them names them. */
const NON_RECIPIENT = /^(?:mailer-daemon|postmaster|root|abuse|noreply|no-reply|bounces?)@/i;

/**
 * An address that opens a line ("  user@example.com", "<user@example.com>:", "user@x on <date>"). Written so that
 * no character can be taken by two neighbouring parts, which on a long run of that character made the search take
 * time in the square (or cube) of the run's length: the bullet run is taken whole or not at all (look-ahead and
 * back-reference), "@" is in neither part of the address, and runs of spaces meet only across a required
 * character (hence the look-behinds for " on", " (", " - ").
 */
const ANCHOR = /^\s*(?:(?=(?<bullets>[-*>•]+))\k<bullets>\s*|(?:(?:final-|original-)?recipient(?: address)?|rcpt to|address|failed recipient|addressed to)\s*(?::\s*)?)?["']?<?(?<address>[^\s<>"',;:()@]+@[^\s<>"',;:()@]+?)>?["']?(?:\s*(?::.*|\.\.\..*|(?<=\s)on\s.*|(?<=\s)\(.*|(?<=\s)-\s.*|(?<=\s)<[^<>\s]*>.*|[.,;]))?\s*$/i;
/** An X.400 address with an embedded Internet address (old Exchange): "c=US;…;dda:SMTP=user@example.com;". The
 * local part has at most 64 characters (RFC 5321): unbounded, it was scanned to the end of a run from each "RFC822=". */
const X400_INTERNET = /(?:\bdda:SMTP|\bRFC-?822)=([^\s;<>"]{1,64}@[^\s;<>"]+)/i;
/** Words before an address that make it someone other than a recipient: the sender, an id, a link. */
const NOT_A_RECIPIENT_BEFORE = /(?:\b(?:from|sender|by|reply-to|return-path|message-id|references|in-reply-to|envelope-from|mail from)\s*[:=]?\s*<?|[=/:?&])$/i;
/** A line that says something failed: a 4xx/5xx code or failure wording. */
const FAILURE_LINE = /(?:^|[\s(:;"'\-[])[45]\d\d(?=[\s\-.:;,)\]]|$)|[45]\.\d{1,3}\.\d{1,3}|unknown|not found|no such|invalid|does ?n[o']t exist|rejected|refused|fail|undeliver|not (?:be )?deliver|n't be deliver|did not reach|unavailable|disabled|full|quota|permanent|fatal/i;
/** Lines kept after a recipient's own line as its explanation. */
const BLOCK_LINES = 12;
/** Replies kept per recipient of a transcript: a session shows one or two. */
const MAX_REPLIES = 8;

/** Local parts that only appear as fragments of other things (ARNs "identity/…", URLs "…/?email=…"). */
function plausible(address: string): boolean {
  const local = address.slice(0, address.lastIndexOf('@'));
  return !/[/\\]/.test(local) && !/^[=?&.]/.test(local);
}

interface SessionRecipient { address: string; replies: string[]; accepted: boolean; stage?: SmtpStage }

/** A transcript line, with quoting ("> ") of a forwarded report removed: ">>> RCPT TO:<a>" or "<<< 550 …". */
const TRANSCRIPT_LINE = /^(?:>\s+)*(>>>|<<<)\s?(.*)$/;
/** The address is the whole run after "RCPT TO:<" (normalizeAddress checks it): split at an "@" of its own, a run of
 * "@" was tried at each of them, each try scanning on to the end. */
const RCPT_COMMAND = /^RCPT\s+TO:\s*<?([^\s<>]+)>?(?:\s.*)?$/i;

/**
 * Each recipient of a quoted SMTP session with the replies to its own RCPT TO, or to DATA when the server
 * answered after DATA (for the recipients it had accepted, or per recipient when a reply names one): a later
 * command's reply is never glued onto an earlier recipient's.
 */
export function transcriptRecipients(lines: readonly string[]): Map<string, SessionRecipient> {
  const recipients = new Map<string, SessionRecipient>();
  // Accepted recipients with room for another reply: one that is full leaves, so a reply to the message costs what
  // it adds, however many recipients and replies the transcript has.
  const open = new Set<SessionRecipient>();
  const answer = (recipient: SessionRecipient, reply: string, stage: SmtpStage) => {
    recipient.replies.push(clipped(reply));
    recipient.stage = stage;
    if (recipient.replies.length >= MAX_REPLIES) open.delete(recipient);
  };
  let current: SessionRecipient | 'DATA' | undefined;
  for (const line of lines) {
    const match = TRANSCRIPT_LINE.exec(line);
    if (!match) continue;
    const [, direction, text] = match;
    if (direction === '>>>') {
      const rcpt = RCPT_COMMAND.exec(text.trim());
      const address = rcpt ? normalizeAddress(rcpt[1]) : undefined;
      if (address) {
        const key = address.toLowerCase();
        current = recipients.get(key) ?? { address, replies: [], accepted: false };
        recipients.set(key, current);
        current.replies.length = 0;
        if (current.accepted) open.add(current);
      } else current = /^DATA\b/i.test(text.trim()) ? 'DATA' : undefined;
      continue;
    }
    const reply = text.trim();
    if (current === undefined || !/^\d{3}/.test(reply)) continue;
    if (current !== 'DATA') {
      if (reply.startsWith('2')) {
        if (!current.accepted && current.replies.length < MAX_REPLIES) open.add(current);
        current.accepted = true;
      } else if (current.replies.length < MAX_REPLIES) answer(current, reply, 'RCPT');
      continue;
    }
    if (!/^[45]/.test(reply)) continue;
    // After DATA, a reply that names a recipient is that recipient's (LMTP, per-recipient filters); one that names
    // nobody answers the message, for every recipient the server had accepted.
    const named = (reply.match(ADDRESS_IN_TEXT) ?? []).map((raw) => recipients.get(normalizeAddress(raw)?.toLowerCase() ?? ''));
    const targets = named.some(Boolean) ? named.filter((entry): entry is SessionRecipient => Boolean(entry)) : open;
    for (const target of targets) if (target.replies.length < MAX_REPLIES) answer(target, reply, 'DATA');
  }
  for (const [key, recipient] of recipients) if (recipient.replies.length === 0) recipients.delete(key);
  return recipients;
}

interface Anchor { address: string; index: number }

/** The address a line names as a failed recipient, if it does. */
function anchorIn(line: string): string | undefined {
  const x400 = X400_INTERNET.exec(line);
  if (x400) return normalizeAddress(x400[1]);
  const match = ANCHOR.exec(line);
  return match?.groups ? normalizeAddress(match.groups.address) : undefined;
}

/** Addresses in a line that says something failed, other than senders, ids and links. */
function addressesInFailureLine(line: string): string[] {
  if (!FAILURE_LINE.test(line)) return [];
  const found: string[] = [];
  for (const match of line.matchAll(ADDRESS_IN_TEXT)) {
    if (NOT_A_RECIPIENT_BEFORE.test(line.slice(Math.max(0, match.index - 40), match.index))) continue;
    const address = normalizeAddress(match[0]);
    if (address) found.push(address);
  }
  return found;
}

/** Recipients and their failure text from the explaining part of a bounce (up to the quoted original). */
export function bodyRecipients(text: string, excluded: ReadonlySet<string>): BodyRecipient[] {
  const lines = text.split(/\r?\n|\r/);
  const usable = (address: string | undefined): address is string =>
    address !== undefined && plausible(address) && !excluded.has(address.toLowerCase());
  let anchors: Anchor[] = [];
  lines.forEach((line, index) => {
    const address = anchorIn(line);
    if (usable(address)) anchors.push({ address, index });
  });
  // Role addresses name the failed recipient only when nothing else does (a bounce of mail to postmaster).
  const people = anchors.filter(({ address }) => !NON_RECIPIENT.test(address));
  if (people.length > 0) anchors = people;
  if (anchors.length === 0) {
    // No address on a line of its own: an address in a line that says something failed.
    lines.forEach((line, index) => {
      for (const address of addressesInFailureLine(line)) if (usable(address) && !NON_RECIPIENT.test(address)) anchors.push({ address, index });
    });
  }
  const session = transcriptRecipients(lines);
  const found = new Map<string, BodyRecipient>();
  // The block runs to the next anchor on a later line (anchors are in line order), at most BLOCK_LINES lines, and is
  // shared by the anchors of one line. `next` only moves forward: walked again from each anchor, a line of many
  // addresses took time in the square of their number.
  let next = 0;
  let block = '';
  let blockLine = -1;
  for (const { address, index } of anchors) {
    if (index !== blockLine) {
      while (next < anchors.length && anchors[next].index <= index) next++;
      const end = Math.min(next < anchors.length ? anchors[next].index : lines.length, index + BLOCK_LINES);
      block = clipped(squeezeSpaces(lines.slice(index, end).join(' ')).trim());
      blockLine = index;
    }
    const key = address.toLowerCase();
    const known = found.get(key);
    // An address on many lines gathers their blocks, up to a bounded length (a text already cut takes no more).
    const diagnostic = !known ? block : known.diagnostic.length > KEPT_CHARS ? known.diagnostic : clipped(`${known.diagnostic} ${block}`);
    found.set(key, { address, diagnostic, source: 'text' });
  }
  // What the session transcript shows replaces the lines around an address: each recipient's own replies.
  for (const [key, recipient] of session) {
    if (!usable(recipient.address)) continue;
    found.set(key, { address: found.get(key)?.address ?? recipient.address, diagnostic: clipped(recipient.replies.join(' ')), source: 'transcript', stage: recipient.stage });
  }
  return [...found.values()];
}
