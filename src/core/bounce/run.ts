// What an extraction run does with the events it reads, in input order: counts them by outcome, classifies those a
// record or a listener needs, and hands them to the aggregator and the listener. A worker that reads a byte range of
// a log counts and classifies (logScan.ts); the thread that merges the ranges hands on. Both call these functions, so
// a log read by workers gives what one thread gives.
import type { BouncePolicy } from '../knowledge/types';
import { BounceAggregator } from './aggregate';
import type { DateReader } from './eventTime';
import { createClassifier, withVerdict } from './classify';
import type { LastDeliveries } from './deliveries';
import type { BounceEvent, ClassifiedEvent, Outcome } from './types';

export interface OutcomeCounts {
  failed: number;
  deferred: number;
  delivered: number;
  rejectedInbound: number;
}

export const noCounts = (): OutcomeCounts => ({ failed: 0, deferred: 0, delivered: 0, rejectedInbound: 0 });

const COUNTED: Readonly<Record<Outcome, keyof OutcomeCounts>> = { failed: 'failed', deferred: 'deferred', delivered: 'delivered', 'rejected-inbound': 'rejectedInbound' };

export function addCounts(total: OutcomeCounts, more: OutcomeCounts, sign = 1): void {
  total.failed += sign * more.failed;
  total.deferred += sign * more.deferred;
  total.delivered += sign * more.delivered;
  total.rejectedInbound += sign * more.rejectedInbound;
}

/**
 * Counts and classifies events. `listening`: a listener wants every event, so each is classified; otherwise only
 * failures are (deliveries become no object at all: they are most of a log, and only their address matters).
 */
export class EventClassifier {
  readonly counts = noCounts();
  private readonly classify: (event: BounceEvent) => ClassifiedEvent;

  constructor(policy: BouncePolicy | undefined, readonly listening: boolean) {
    this.classify = createClassifier(policy);
  }

  /** The event counted; classified when it must be handed on as an event, undefined when it needs not be (a
   * delivery without a listener is handed on by its address alone). */
  classified(event: BounceEvent): ClassifiedEvent | undefined {
    this.counts[COUNTED[event.outcome]]++;
    if (event.outcome === 'delivered') return this.listening ? withVerdict(event, 'none', 'success', 'delivered') : undefined;
    // Deferrals and inbound rejects are no records: classified only for a listener.
    return event.outcome === 'failed' || this.listening ? this.classify(event) : undefined;
  }
}

/** Hands classified events on to the aggregator and the listener, and deliveries to `deliveries` when given. */
export class EventTaker {
  readonly aggregator = new BounceAggregator();

  constructor(private readonly onEvent?: (event: ClassifiedEvent, dates: DateReader) => void, private readonly deliveries?: LastDeliveries) {}

  /** `dates` reads the event's date. */
  event(event: ClassifiedEvent, dates: DateReader): void {
    if (event.outcome === 'delivered') this.deliveredEvent(event, dates);
    this.onEvent?.(event, dates);
    if (event.outcome !== 'delivered') this.aggregator.add(event, dates);
  }

  /** A delivery read as an event: to the aggregator, and to `deliveries` when they are kept. */
  deliveredEvent(event: BounceEvent, dates: DateReader): void {
    this.aggregator.delivered(event.address);
    this.deliveries?.note(event, dates);
  }

  /** A delivery known by its address alone (a worker's range): `hash` its deliveryHash when known. */
  delivery(address: string, hash?: number): void {
    this.aggregator.delivered(address, hash);
  }
}

/** Reads events as a recognizer gives them: counted, classified and handed on at once. */
export function eventReader(classifier: EventClassifier, taker: EventTaker): (events: readonly BounceEvent[], dates: DateReader) => void {
  return (events, dates) => {
    for (let index = 0; index < events.length; index++) {
      const event = events[index];
      const classified = classifier.classified(event);
      if (classified) taker.event(classified, dates);
      else if (event.outcome === 'delivered') taker.deliveredEvent(event, dates);
    }
  };
}
