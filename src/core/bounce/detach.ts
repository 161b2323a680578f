// Strings kept beyond the chunk they were read from.
import type { BounceEvent } from './types';

/**
 * A copy of a string that does not share memory with the chunk it was cut from. V8 keeps a whole decoded
 * chunk alive for a substring of it; anything kept across chunks (joined lines, records) must be detached.
 */
export function detach(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

/** An event whose strings are detached from their chunk. */
export function detachEvent<T extends BounceEvent>(event: T): T {
  const optional = (text: string | undefined) => (text === undefined ? undefined : detach(text));
  return {
    ...event, address: detach(event.address), diagnostic: detach(event.diagnostic), status: optional(event.status),
    reply: optional(event.reply), remoteMta: optional(event.remoteMta), date: optional(event.date), messageId: optional(event.messageId),
  };
}
