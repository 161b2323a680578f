// Filtering a mail log by what the bounce engine made of each line: failures, hard bounces, deferrals, inbound
// rejects, or the lines about one domain, one remote host or one code. The verdicts are the engine's (extractBounceStream
// and its decision table); this only picks the lines the events came from and reads those lines again.
import type { BounceInput, ReadOptions } from '../bounce/input';
import { linesOf, readContents } from '../bounce/input';
import { extractBounceStream, type ClassifiedEvent, type SkippedInput } from '../bounce';
import type { BouncePolicy } from '../knowledge/types';

export const LOG_FILTERS = ['failures', 'hard', 'deferrals', 'inbound-rejects', 'domain', 'remote-host', 'code'] as const;
export type LogFilterKind = typeof LOG_FILTERS[number];

export interface LogFilter {
  readonly kind: LogFilterKind;
  /** The domain, host or code, for the filters that need one. */
  readonly value?: string;
}

/** Lines a filtered document holds at most: past that, an editor is the wrong tool. */
export const MAX_FILTERED_LINES = 200_000;

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

/** Whether an event (one recipient on one line) passes the filter. */
export function eventMatches(filter: LogFilter, event: ClassifiedEvent): boolean {
  const value = filter.value?.trim().toLowerCase() ?? '';
  switch (filter.kind) {
    case 'failures': return event.outcome === 'failed';
    case 'hard': return event.outcome === 'failed' && event.type === 'hard';
    case 'deferrals': return event.outcome === 'deferred';
    case 'inbound-rejects': return event.outcome === 'rejected-inbound';
    case 'domain': {
      const domain = domainOf(event.address);
      return value !== '' && (domain === value || domain.endsWith(`.${value}`));
    }
    case 'remote-host': return value !== '' && (event.remoteMta?.toLowerCase().includes(value) ?? false);
    case 'code': return value !== '' && (event.status === value || event.reply === value);
  }
}

export interface FilteredLine {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly text: string;
}

export interface FilterResult {
  readonly lines: FilteredLine[];
  /** More lines matched than MAX_FILTERED_LINES; the first ones are given. */
  readonly truncated: boolean;
  readonly problems: SkippedInput[];
}

/** The log lines of `inputs` that the filter keeps, in input order, each once. The inputs are read twice (the events,
 * then the lines' texts): paths or text, not streams. */
export async function filterLogLines(inputs: readonly BounceInput[], filter: LogFilter, options: ReadOptions & { policy?: BouncePolicy } = {}): Promise<FilterResult> {
  const wanted = new Map<string, Set<number>>();
  let count = 0;
  let truncated = false;
  // Only the events are wanted: the records are never made.
  const { summary, dispose } = await extractBounceStream(inputs, {
    ...options, includeSoft: true, laterDelivered: false,
    onEvent: (event) => {
      if (!eventMatches(filter, event)) return;
      const numbers = wanted.get(event.file) ?? new Set<number>();
      if (numbers.has(event.line)) return;
      if (count >= MAX_FILTERED_LINES) {
        truncated = true;
        return;
      }
      wanted.set(event.file, numbers.add(event.line));
      count++;
    },
  });
  dispose();
  const lines: FilteredLine[] = [];
  if (count === 0) return { lines, truncated, problems: summary.problems };
  // The second reading fetches the lines' texts; its problems are the first reading's.
  await readContents(inputs, () => {}, options, async ({ name }, content) => {
    const numbers = wanted.get(name);
    if (!numbers || content.kind !== 'log') return;
    let line = 0;
    let continued = false;
    for await (const batch of linesOf(content.chunks, 'utf8', options.signal)) {
      for (let index = 0; index < batch.lines.length; index++) {
        // A line cut for its length gives its first piece only.
        if (index === 0 && continued) continue;
        line++;
        if (numbers.has(line)) lines.push({ file: name, line, text: batch.lines[index] });
      }
      continued = batch.continued;
    }
  });
  return { lines, truncated, problems: summary.problems };
}
