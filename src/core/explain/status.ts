// The explanations of one status as a log writes it: a reply code, an enhanced code, or a reply code followed by
// its enhanced code ("550 5.1.1"). The hover card and `smtp-diag explain` both show them in this order.
import { CodeMention, findCodes } from '../codes/recognize';
import { explainCode } from '../knowledge';
import type { BouncePolicy, CodeExplanation } from '../knowledge/types';

export interface MentionExplanations {
  readonly reply?: CodeExplanation;
  readonly enhanced?: CodeExplanation;
  /** The enhanced code first, as the more specific one, then the reply code; empty when neither is known. */
  readonly ordered: readonly CodeExplanation[];
}

/** The explanations of the codes of one mention. */
export function explainMention(mention: CodeMention, policy?: BouncePolicy): MentionExplanations {
  const reply = mention.reply && explainCode(mention.reply.code, policy);
  const enhanced = mention.enhanced && explainCode(mention.enhanced.code, policy);
  return { reply, enhanced, ordered: [enhanced, reply].filter((e): e is CodeExplanation => e !== undefined) };
}

/**
 * The explanations for `text` when it is one status and nothing else: one code ("5.3.2", "550"), or a reply code with
 * its enhanced code as logs write them ("550 5.1.1", "550-5.1.1"). Empty for anything else, two enhanced codes included.
 */
export function explainStatus(text: string, policy?: BouncePolicy): readonly CodeExplanation[] {
  const single = explainCode(text, policy);
  if (single) return [single];
  const status = text.trim();
  const mentions = findCodes(status);
  if (mentions.length !== 1 || mentions[0].start !== 0 || mentions[0].end !== status.length) return [];
  return explainMention(mentions[0], policy).ordered;
}
