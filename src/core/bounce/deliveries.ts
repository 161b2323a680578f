// The last delivery to each address of one input, for results merged across inputs (merge.ts): a delivery in one
// rotated log closes the failures of the same address in an earlier one, which that log's own records cannot know.
import { detach } from './detach';
import { DateReader, isoText, lineStamp, settledTime, Stamp } from './eventTime';
import type { BounceEvent } from './types';

/** What `smtp-diag extract --deliveries` writes for an address delivered to in an input (beside the records). */
export interface DeliveredEntry {
  readonly address: string;
  readonly type: 'delivered';
  /** When the last delivery to the address in this input happened, in the records' form; null when unknown. */
  readonly lastSeen: string | null;
  readonly file: string;
}

/** The deliveries of one input, the last one per address (by lower case). One entry per address delivered to. */
export class LastDeliveries {
  private readonly byKey = new Map<string, { address: string; file: string; time: Stamp | undefined }>();

  /** Notes a delivery; its date is the event's own, else its log line's stamp. */
  note(event: BounceEvent, dates: DateReader): void {
    const time = event.date === undefined ? lineStamp(dates) : dates.read(event.date);
    const key = event.address.toLowerCase();
    const known = this.byKey.get(key);
    if (known) {
      known.time = time;
      known.file = event.file;
      if (known.address !== event.address) known.address = detach(event.address);
      return;
    }
    // Copies: the address is a piece of its line, which would keep the block of the log it was cut from alive.
    const copy = detach(key);
    this.byKey.set(copy, { address: event.address === key ? copy : detach(event.address), file: event.file, time });
  }

  /** The entries sorted by address regardless of case, once the input has ended (the year of its stamps is decided). */
  *entries(): Generator<DeliveredEntry> {
    for (const key of [...this.byKey.keys()].sort()) {
      const { address, file, time } = this.byKey.get(key)!;
      const resolved = settledTime(time);
      yield { address, type: 'delivered', lastSeen: resolved ? isoText(resolved) : null, file };
    }
  }
}
