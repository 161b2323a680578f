// The compact hover card for the status code under the cursor: what failed, hard or soft, top causes, top actions,
// and command links to the full explanation and to an MX lookup. Pure Markdown text, so it can be measured and
// tested without VS Code; src/features/codeHover.ts wraps it in a trusted-for-our-commands MarkdownString.
import { classify } from '../bounce/classify';
import { clipped } from '../bounce/detach';
import { explainMention } from '../explain/status';
import type { BouncePolicy, CodeExplanation } from '../knowledge/types';
import { escapeMarkdown } from '../markdown';
import { describeClass } from '../statusCode';
import { codeAt } from './recognize';

export interface HoverCommands {
  /** Opens the full explanation; called with the code as its one argument. */
  readonly explainCode: string;
  /** Looks up the MX records of a domain; called with the domain as its one argument. */
  readonly lookupMx: string;
}

export interface HoverCard {
  readonly markdown: string;
  /** The span of the code(s) in the line: [start, end). */
  readonly start: number;
  readonly end: number;
}

const BOUNCE_WORDS = { hard: 'hard bounce', review: 'review: permanent, cause not stated', soft: 'soft bounce', none: 'not a failure' } as const;
const TOP_CAUSES = 3;

/**
 * The card for the code under `character` in `line`, or undefined when there is no code there. `recipientDomain` is
 * the failed recipient's domain when the document says it elsewhere (a DSN's Final-Recipient above its Status).
 */
export function hoverCardAt(line: string, character: number, commands: HoverCommands, policy?: BouncePolicy, recipientDomain?: string): HoverCard | undefined {
  const mention = codeAt(line, character);
  if (!mention) return undefined;
  const { reply, enhanced, ordered } = explainMention(mention, policy);
  // The enhanced code is the more specific one, so it leads the card when both are there.
  const [main] = ordered;
  if (!main) return undefined;
  // Header lines end with two spaces (a Markdown line break) so the card spends no paragraph gaps on them. The
  // links sit in the header because VS Code caps a hover's height (250 px in a 1280×800 window): they stay visible
  // without scrolling. The reply code's title is one click away ("Explain 550"), not a line of its own.
  const header = [
    titleLine(main, reply, enhanced),
    classLine(main, verdictOfLine(line, reply?.code, enhanced?.code, main, policy)),
    escapeMarkdown(leadSentences(main.meaning)),
    links(line, commands, ordered, recipientDomain),
  ].join('  \n');
  const guidance = [listBlock('Likely causes', main.causes.slice(0, TOP_CAUSES)), listBlock('What to do', topActions(main))];
  const markdown = [header, guidance.filter((part) => part !== '').join('  \n')].filter((part) => part !== '').join('\n\n');
  return { markdown, start: mention.start, end: mention.end };
}

// The card stays compact: the meaning's first sentence, or two when the first is only a few words ("The action
// succeeded."); the full explanation has the rest.
const SHORT_SENTENCE = 80;
export function leadSentences(text: string): string {
  const sentences = text.match(/\S.*?(?:[.!?](?=\s|$)|$)/gs) ?? [text];
  return sentences[0].length >= SHORT_SENTENCE || sentences.length < 2 ? sentences[0] : `${sentences[0]} ${sentences[1]}`;
}

function titleLine(main: CodeExplanation, reply: CodeExplanation | undefined, enhanced: CodeExplanation | undefined): string {
  const codes = [reply?.code, enhanced?.code].filter(Boolean).join(' ');
  const notes = [main.registered ? '' : 'detail not registered', main.deprecated ? 'deprecated' : ''].filter(Boolean);
  return `**${codes}** · ${escapeMarkdown(main.title)}${notes.length ? ` _(${notes.join(', ')})_` : ''}`;
}

/** The table's verdict for the words on this line, when they decide otherwise than the code alone. */
function verdictOfLine(line: string, reply: string | undefined, status: string | undefined, main: CodeExplanation, policy?: BouncePolicy): string | undefined {
  if (main.bounceType === 'none') return undefined;
  // The text extraction would judge: a diagnostic is kept, and classified, to its first KEPT_CHARS characters.
  const verdict = classify({ address: '', outcome: 'failed', status, reply, diagnostic: clipped(line), file: '', line: 0, format: 'hover' }, policy, false);
  if (verdict.type === main.bounceType) return undefined;
  return `**${BOUNCE_WORDS[verdict.type]}** here: the words on this line decide (${escapeMarkdown(verdict.reason)}); the code alone: ${BOUNCE_WORDS[main.bounceType]}`;
}

function classLine(main: CodeExplanation, byWords: string | undefined): string {
  const verdict = byWords ?? `**${BOUNCE_WORDS[main.bounceType]}**`;
  return `Class ${main.statusClass}: ${describeClass(main.statusClass)} · ${verdict} · ${escapeMarkdown(main.category)}`;
}

/** The action required and the first step that says something else (not the same action in other words). */
function topActions(main: CodeExplanation): string[] {
  const other = [...main.marketerSteps, ...main.developerSteps].find((step) => !repeats(step, main.actionRequired));
  return [main.actionRequired, other].filter((step): step is string => Boolean(step));
}

/** Whether two sentences share most of their words (compared by their first four letters: "retry", "retries"). */
function repeats(one: string, other: string): boolean {
  const stems = (text: string) => new Set((text.toLowerCase().match(/[a-z]{4,}/g) ?? []).map((word) => word.slice(0, 4)));
  const [a, b] = [stems(one), stems(other)];
  const shared = [...a].filter((stem) => b.has(stem)).length;
  return shared >= REPEAT_SHARE * Math.min(a.size, b.size);
}
const REPEAT_SHARE = 0.35;

/** A heading and its items as lines of one paragraph: a Markdown list spends margins and an indent on each block,
 * and the card must fit the hover's height. */
function listBlock(heading: string, items: readonly string[]): string {
  if (items.length === 0) return '';
  return [`**${heading}**`, ...items.map((item) => `• ${escapeMarkdown(item)}`)].join('  \n');
}

function commandLink(label: string, command: string, argument: string): string {
  return `[${label}](command:${command}?${encodeURIComponent(JSON.stringify([argument]))})`;
}

function links(line: string, commands: HoverCommands, explained: readonly CodeExplanation[], recipientDomain?: string): string {
  const parts = explained.map((e, index) => commandLink(index === 0 ? `Full explanation of ${e.code}` : `Explain ${e.code}`, commands.explainCode, e.code));
  const domain = mxDomainOf(line, recipientDomain);
  if (domain) parts.push(commandLink(`Look up MX for ${escapeMarkdown(domain)}`, commands.lookupMx, domain));
  return parts.join(' · ');
}

// A host name with at least two labels and an alphabetic top-level label (never an IP address).
const HOST = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\\.[A-Za-z]{2,63}(?![\\w.-])';
const RECIPIENT = new RegExp(`\\bto=<[^<>@\\s]{1,256}@(${HOST})>`, 'i');
// Exim names the recipient right after its flag: "** a@b", "== a@b", "=> a@b".
const EXIM_RECIPIENT = new RegExp(`(?:^|\\s)(?:\\*\\*|==|=>|->|\\*>) <?[^<>@\\s]{1,256}@(${HOST})`);
const RELAY_HOST = new RegExp(`\\b(?:relay|H)=(${HOST})`);
const HOST_HERE = new RegExp(HOST, 'y');
const LOCAL_PART_CHAR = /[\w.%+-]/;

/**
 * The domain worth an MX lookup for this line: the recipient's (Postfix/Sendmail `to=<…>`, Exim's address after
 * `**`, `==`, `=>`), else the one the document names (`recipientDomain`), else the first address on the line that is
 * not a sender's, else the relay host (`relay=`, Exim `H=`).
 */
export function mxDomainOf(line: string, recipientDomain?: string): string | undefined {
  const recipient = RECIPIENT.exec(line) ?? EXIM_RECIPIENT.exec(line);
  return (recipient?.[1] ?? recipientDomain ?? firstAddressDomain(line) ?? RELAY_HOST.exec(line)?.[1])?.toLowerCase();
}

/** Text just before an address that makes it the sender's: Postfix `from=<`, Exim's arrival `<=`. */
const SENDER_BEFORE = /(?:from=<|<= )[\w.%+-]*$/i;

// Walks the "@" signs instead of matching a whole address, which would backtrack over long words.
function firstAddressDomain(line: string): string | undefined {
  for (let at = line.indexOf('@'); at >= 0; at = line.indexOf('@', at + 1)) {
    if (at === 0 || !LOCAL_PART_CHAR.test(line[at - 1])) continue;
    if (SENDER_BEFORE.test(line.slice(Math.max(0, at - 80), at))) continue;
    HOST_HERE.lastIndex = at + 1;
    const host = HOST_HERE.exec(line);
    if (host) return host[0];
  }
  return undefined;
}
