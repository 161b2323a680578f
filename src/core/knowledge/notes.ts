// Shapes of the knowledge-base data modules (details/ and deep/). Lookups go through ./index.ts.
import type { CodeExplanation, ReasonCategory } from './types';

/** What every registered detail carries, whatever the class: enough for a short but useful explanation. */
export interface DetailNotes {
  readonly category: ReasonCategory;
  /** The condition the detail names, independent of class, one or two sentences. */
  readonly about: string;
  /** What a 4.x.x with this detail adds (why it may pass). */
  readonly transient?: string;
  /** What a 5.x.x with this detail adds (why it will not pass by itself). */
  readonly permanent?: string;
  /** What a 2.x.x with this detail reports, when success codes use it in practice. */
  readonly success?: string;
  readonly causes: readonly string[];
  /** Practical actions, at least two. */
  readonly actions: readonly string[];
}

/** Full-depth content for one exact code ("5.3.2"), written like the seed: every list filled. */
export type DeepEntry = Pick<CodeExplanation,
  'meaning' | 'causes' | 'marketerSteps' | 'developerSteps' | 'investigation' | 'examples' | 'providerResponses' | 'bestPractices'
> & Partial<Pick<CodeExplanation, 'actionRequired' | 'category' | 'contrast'>>;
