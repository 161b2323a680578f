// Strings kept beyond the line or message they were read from: copied out of their chunk and cut to a bounded
// length, so that what the engine keeps (records, queue state, caches) is bounded by bytes whatever the input.
import { MAX_ADDRESS_LENGTH } from './address';
import type { BounceEvent } from './types';

/**
 * Characters kept of a text read from the input (a diagnostic, a host, an id). The words that decide come first
 * and no server's reply is this long (the corpus's longest diagnostic has 1,201 characters); a line may have 4 MB.
 */
export const KEPT_CHARS = 4096;

/**
 * A copy of a string that does not share memory with the chunk it was cut from. V8 keeps a whole decoded
 * chunk alive for a substring of it; anything kept across chunks (joined lines, records) must be detached.
 */
export function detach(text: string): string {
  // V8 copies a substring shorter than 13 characters (SlicedString::kMinLength) instead of pointing into its parent:
  // status and reply codes, queue IDs need no second copy (a Postfix log's deferrals copy hundreds of thousands).
  if (text.length < 13) return text;
  // Joined to a space, the text is a pair of strings; slicing the pair makes V8 flatten it into one new string and
  // point into that. A copy in UTF-16 as the text is: exact for any text (a lone surrogate too, which a copy through
  // UTF-8 turned into U+FFFD), and a third of the time of that copy.
  return ` ${text}`.slice(1);
}

/** The text cut to `limit` characters with "…" when it was longer; a surrogate pair is not split. */
export function clipped(text: string, limit = KEPT_CHARS): string {
  if (text.length <= limit) return text;
  const last = text.charCodeAt(limit - 1);
  return `${text.slice(0, last >= 0xd800 && last <= 0xdbff ? limit - 1 : limit)}…`;
}

const optional = (text: string | undefined, change: (text: string) => string) => (text === undefined ? undefined : change(text));
const fits = (text: string | undefined) => text === undefined || text.length <= KEPT_CHARS;
const isAddress = (event: BounceEvent) => event.address.length <= MAX_ADDRESS_LENGTH;
const within = (event: BounceEvent) => isAddress(event) && fits(event.diagnostic) && fits(event.remoteMta) && fits(event.messageId) && fits(event.date);

/**
 * The events with their texts clipped to KEPT_CHARS, without those whose "address" is too long to be one. The same
 * array when nothing needed cutting (the usual case: no copy on the hot path).
 */
export function boundedEvents<T extends BounceEvent>(events: T[]): T[] {
  if (events.every(within)) return events;
  return events.filter(isAddress).map((event) => (within(event) ? event : {
    ...event, diagnostic: clipped(event.diagnostic), remoteMta: optional(event.remoteMta, clipped),
    messageId: optional(event.messageId, clipped), date: optional(event.date, clipped),
  }));
}

/** An event whose strings are copied out of their chunk, each cut to KEPT_CHARS (the address is kept whole). */
export function detachEvent<T extends BounceEvent>(event: T): T {
  const kept = (text: string) => detach(clipped(text));
  return {
    ...event, address: detach(event.address), diagnostic: kept(event.diagnostic), status: optional(event.status, kept),
    reply: optional(event.reply, kept), remoteMta: optional(event.remoteMta, kept), date: optional(event.date, kept),
    messageId: optional(event.messageId, kept),
  };
}
