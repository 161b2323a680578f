// What a failure event counts as in a tally (the report's tables and charts, the status bar): where it happened
// (inbound, or still queued) first, then the verdict of the decision table.
import type { ClassifiedEvent } from './types';

export type FailureKind = 'hard' | 'review' | 'soft' | 'deferred' | 'inbound';

/** The tally column of an event; undefined for a delivery. */
export function failureKindOf(event: ClassifiedEvent): FailureKind | undefined {
  if (event.outcome === 'delivered') return undefined;
  if (event.outcome === 'rejected-inbound') return 'inbound';
  if (event.outcome === 'deferred') return 'deferred';
  return event.type === 'hard' ? 'hard' : event.type === 'review' ? 'review' : 'soft';
}
