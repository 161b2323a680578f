// The last delivery to each address of one input, for results merged across inputs (merge.ts): a delivery in one
// rotated log closes the failures of the same address in an earlier one, which that log's own records cannot know.
// Past the memory budget the entries held go to runs sorted by address (sortedRuns.ts): a log of millions of addresses
// delivered to keeps its memory bounded.
import { detach } from './detach';
import { DateReader, isoText, lineStamp, settledTime, Stamp } from './eventTime';
import { InputTable } from './recordStore';
import { RowCodec, SpillingMap } from './sortedRuns';
import type { BounceEvent } from './types';

/** What `smtp-diag extract --deliveries` writes for an address delivered to in an input (beside the records). */
export interface DeliveredEntry {
  readonly address: string;
  readonly type: 'delivered';
  /** When the last delivery to the address in this input happened, in the records' form; null when unknown. */
  readonly lastSeen: string | null;
  readonly file: string;
}

/** The last delivery to an address (by lower case) so far. */
interface DeliveryRow {
  readonly key: string;
  address: string;
  file: string;
  time: Stamp | undefined;
}

/** Roughly what an entry takes in memory beside its texts, for the budget. */
const ENTRY_BYTES = 250;

/** A run row's numbers: its time's two (as the record store codes a time: InputTable); its texts: key, address,
 * file. */
function deliveryCodec(inputs: InputTable): RowCodec<DeliveryRow> {
  return {
    encode: ({ key, address, file, time }) => ({ numbers: inputs.code(time), texts: [key, address, file] }),
    decode: ([kind, value], [key, address, file]) => ({ key: key!, address: address!, file: file!, time: inputs.time(kind, value) }),
  };
}

/** The deliveries of one input, the last one per address (by lower case). */
export class LastDeliveries {
  private readonly byKey = new SpillingMap(deliveryCodec(new InputTable()), 'smtp-diag-deliveries-');

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
    this.byKey.add({ key: copy, address: event.address === key ? copy : detach(event.address), file: event.file, time }, ENTRY_BYTES + 2 * key.length);
  }

  /** The entries sorted by address regardless of case, once the input has ended (the year of its stamps is decided). */
  *entries(): Generator<DeliveredEntry> {
    for (const group of this.byKey.groups()) {
      // The rows of an address are in the order they were noted: the last one is its last delivery.
      const { address, file, time } = group[group.length - 1];
      const resolved = settledTime(time);
      yield { address, type: 'delivered', lastSeen: resolved ? isoText(resolved) : null, file };
    }
  }
}
