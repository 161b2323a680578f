// De-duplication: one record per address (failed outbound deliveries only), with a count and first/last seen.
// An address that was delivered after its last failure in the same input is no longer a bounce.
import { detach, detachEvent } from './detach';
import type { BounceRecord, ClassifiedEvent } from './types';

interface Entry {
  record: ClassifiedEvent;
  count: number;
  firstSeen?: string;
  lastSeen?: string;
  /** Order of the last failure, compared with the order of the last delivery. */
  lastFailure: number;
}

const RANK = { none: 0, soft: 1, review: 2, hard: 3 } as const;

/** Collects classified events in input order and yields the de-duplicated records. */
export class BounceAggregator {
  private readonly failures = new Map<string, Entry>();
  private readonly deliveredAt = new Map<string, number>();
  private order = 0;

  /** Notes a successful delivery to an address. */
  delivered(address: string): void {
    this.order += 1;
    if (this.failures.size === 0) return;
    const key = address.toLowerCase();
    if (!this.failures.has(key)) return;
    // An existing key stays the one stored, so only a new one needs the (costly) copy out of its chunk.
    this.deliveredAt.set(this.deliveredAt.has(key) ? key : detach(key), this.order);
  }

  /** Counts a failure; deferrals and inbound rejects are not bounces of the sender's mail. */
  add(event: ClassifiedEvent): void {
    this.order += 1;
    if (event.outcome !== 'failed') return;
    const key = event.address.toLowerCase();
    const entry = this.failures.get(key);
    // A delivery since the last failure closed that story: the address worked, so only what follows counts.
    if (!entry || (this.deliveredAt.get(key) ?? 0) > entry.lastFailure) {
      const kept = detachEvent(event);
      this.failures.set(detach(key), { record: kept, count: 1, firstSeen: kept.date, lastSeen: kept.date, lastFailure: this.order });
      return;
    }
    entry.count += 1;
    entry.lastSeen = event.date === undefined ? entry.lastSeen : detach(event.date);
    entry.lastFailure = this.order;
    // A hard verdict outranks the others, and review outranks soft: keep the hardest evidence as the record's.
    if (RANK[event.type] > RANK[entry.record.type]) entry.record = detachEvent(event);
  }

  /** Addresses whose failure was followed by a successful delivery. */
  laterDelivered(): string[] {
    return [...this.failures].filter(([key, entry]) => (this.deliveredAt.get(key) ?? 0) > entry.lastFailure).map(([, entry]) => entry.record.address);
  }

  records(): BounceRecord[] {
    const records: BounceRecord[] = [];
    for (const [key, entry] of this.failures) {
      if ((this.deliveredAt.get(key) ?? 0) > entry.lastFailure) continue;
      const event = entry.record;
      records.push({
        address: event.address, status: event.status ?? null, reply: event.reply ?? null, type: event.type === 'none' ? 'soft' : event.type,
        reason: event.reason, rule: event.rule, source: event.source ?? 'log', diagnostic: event.diagnostic, remoteMta: event.remoteMta ?? null, date: event.date ?? null,
        messageId: event.messageId ?? null, file: event.file, line: event.line, count: entry.count,
        firstSeen: entry.firstSeen ?? null, lastSeen: entry.lastSeen ?? null,
      });
    }
    return records.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  }
}
