// Builds a CodeExplanation from the layers of data: registry title, per-detail notes, full-depth entry,
// vendor rules and the bounce policy. Where a layer is missing, class- and subject-level text fills in.
import { describeClass, type EnhancedCode, type ReplyClass, type StatusClass } from '../statusCode';
import type { BounceType, BouncePolicy, CodeExplanation, ReasonCategory } from './types';
import { registryEntry, subjectInfo } from './registry';
import { detailNotes } from './details';
import { deepEntry } from './deep';
import { vendorRulesFor } from './vendors';
import { replyCodeInfo } from './replyCodes';
import { DEFAULT_POLICY, decideBounceType, defaultRuleReason } from './policy';
import { codeVerdict, type Verdict } from '../policy/decide';
import { squeezeSpaces } from '../text';

const CLASS_MEANING: Record<StatusClass, string> = {
  2: 'The action succeeded.',
  4: 'A temporary failure: the sending server keeps the message and retries, and a later attempt may succeed.',
  5: 'A permanent failure: the message was not delivered, and sending it again unchanged will fail the same way.',
};

/** Per subject: the usual category and fallback causes/actions for details without notes of their own. */
const SUBJECT_FALLBACK: Record<number, { category: ReasonCategory; causes: string[]; actions: string[]; investigation: string[] }> = {
  0: {
    category: 'other',
    causes: ['the server had no more precise code for the failure', 'a filter or script rejected the message with a generic code'],
    actions: ['read the free text after the code: it usually carries the real reason', 'look up the reply code (550, 451, …) and the receiving host for patterns'],
    investigation: ['Read the full Diagnostic-Code or log line, not only the code', 'Check whether other recipients at the same domain fail the same way', 'Look up the receiving host (MX) and test a connection to it'],
  },
  1: {
    category: 'user-unknown',
    causes: ['a typo in the local part or the domain', 'an address that never existed or was closed'],
    actions: ['check the address for typos and correct it at the source', 'suppress the address if it is confirmed wrong'],
    investigation: ['Compare the address with what the recipient gave you (typos, old domain)', "Look up the domain's MX records", 'Check whether other addresses at the same domain are accepted'],
  },
  2: {
    category: 'mailbox-disabled',
    causes: ['the mailbox exists but is restricted (full, disabled, over a limit)', 'the recipient account changed state'],
    actions: ['retry over a few days if the condition can clear', 'reach the recipient by another channel if it persists'],
    investigation: ['Check how long the address has been failing', 'Look at the last successful delivery or engagement for the address', 'Read the text for quota or account-state hints'],
  },
  3: {
    category: 'system-not-accepting',
    causes: ['the receiving server is misconfigured, overloaded or out of service', 'the server lacks a feature or capacity the message needs'],
    actions: ['retry later for temporary codes', 'contact the receiving domain if the failure persists'],
    investigation: ["Look up the domain's MX records and test the hosts", 'Check whether all addresses at that domain fail', 'Read the text for size or feature limits'],
  },
  4: {
    category: 'network',
    causes: ['DNS or MX problems for the recipient domain', 'the receiving host is unreachable or drops connections'],
    actions: ['let the queue retry; network faults often pass', 'check DNS (MX, A/AAAA) of the recipient domain'],
    investigation: ['Query the MX records of the recipient domain', 'Test a TCP connection to port 25 of each MX host', 'Check your own outbound network and DNS resolver'],
  },
  5: {
    category: 'protocol',
    causes: ['the sending software sent a command or argument the server did not accept', 'a limit of the SMTP dialogue was exceeded'],
    actions: ['fix the sending software or its configuration', 'capture an SMTP transcript to see the exact exchange'],
    investigation: ['Capture the SMTP session (client log or packet capture)', 'Compare the commands with what the EHLO reply advertises', 'Check for recent changes in the sending software'],
  },
  6: {
    category: 'content',
    causes: ['the message uses a format, encoding or character set the receiver cannot handle', 'a conversion the message needed was not allowed or failed'],
    actions: ['send standard MIME (UTF-8, base64 or quoted-printable for 8-bit content)', 'check for SMTPUTF8 and 8BITMIME support before using them'],
    investigation: ['Look at the raw message headers and MIME structure', 'Check the EHLO reply for 8BITMIME and SMTPUTF8', 'Try the same content to another receiver'],
  },
  7: {
    category: 'policy',
    causes: ['a security or policy rule of the receiver refused the message', 'authentication (SPF, DKIM, DMARC) or reputation checks failed'],
    actions: ['read the text and any link in it for the exact policy', 'fix authentication and reputation before sending again'],
    investigation: ['Check SPF, DKIM and DMARC results in a test message header (Authentication-Results)', 'Look up your sending IP and domain on public block lists', 'Read the policy link in the reply text'],
  },
};

const GENERIC_FALLBACK = SUBJECT_FALLBACK[0];

/** Causes and actions for a success class paired with a detail that normally names a failure (e.g. 2.1.1). */
const RARE_SUCCESS = {
  causes: ['the server pairs a success class with this detail in its own way', 'the server noted a condition that did not stop the action'],
  actions: ['nothing to fix: the action succeeded', 'read the text after the code if you need to know what the server noted'],
};

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function defaultDeveloperSteps(type: BounceType): string[] {
  switch (type) {
    case 'hard': return [
      'Record the bounce (address, code, full reply text, time) and add the address to the suppression list',
      'Stop retrying this address for this code in the sending queue',
    ];
    case 'soft': return [
      'Let the queue retry with backoff within its lifetime (commonly 4 to 5 days)',
      'Count consecutive soft bounces per address and suppress only after a threshold you document',
    ];
    case 'review': return [
      'Record the bounce with its full reply text and queue it for a person to read, not for the suppression list',
      'Suppress the address when the text says the mailbox or domain does not exist; retry it when it names a block',
    ];
    case 'none': return ['No bounce handling is needed', 'Log the result if you track delivery outcomes'];
  }
}

function defaultBestPractices(type: BounceType): string[] {
  switch (type) {
    case 'hard': return ['Suppress hard-bounced addresses automatically', 'Validate addresses at sign-up with confirmed opt-in'];
    case 'soft': return ['Retry with backoff instead of resending by hand', 'Watch soft-bounce rates per receiving domain to spot blocks early'];
    case 'review': return ['Read review bounces before suppressing: a bare 5xx hides both missing mailboxes and blocks', 'Suppress after the same address fails permanently on several campaigns'];
    case 'none': return ['Keep delivery logs to prove acceptance when a recipient asks'];
  }
}

function actionFor(type: BounceType): string {
  switch (type) {
    case 'hard': return 'Suppress the address: stop sending to it unless the recipient gives you a corrected one.';
    case 'soft': return 'Keep the address: let the queue retry, and fix the cause on the sending side if it repeats.';
    case 'review': return 'Read the server\'s words before you act: suppress only if they say the mailbox or domain does not exist.';
    case 'none': return 'None: this is not a failure.';
  }
}

/** How the code row of the decision table reads for a code alone, without the server's words. */
function byCodeAlone(code: string, verdict: Verdict): string {
  return verdict.type === 'hard'
    ? `Hard: ${code} by itself says the address or its domain cannot receive mail (${verdict.reason}).`
    : `Soft: ${code} names ${verdict.reason}, which is about the sender, the message or the moment; the address may still work.`;
}

const WORDS_DECIDE = 'The server\'s words decide before the code: "user unknown" or "no such domain" make a permanent failure hard; '
  + 'quota, greylisting, "try again", a block, spam or policy make it soft (README "Hard or soft?").';

/** The verdict of the one decision table for this code with no wording, and why, in words. */
function bounceReason(code: string, policy: BouncePolicy | undefined): { type: BounceType; reason: string } {
  if (/^[23]/.test(code)) return { type: 'none', reason: code.startsWith('3') ? 'Class 3 is an intermediate reply: the dialogue goes on, nothing failed.' : 'Class 2 reports success, so it is never a bounce.' };
  const verdict = codeVerdict(code, policy ?? DEFAULT_POLICY);
  const decision = decideBounceType(code, policy ?? DEFAULT_POLICY);
  const documented = defaultRuleReason(decision.pattern, decision.type);
  let why: string;
  if (verdict.row === 'user-pattern') {
    const setting = verdict.type === 'hard' ? 'smtpDiagnostics.bounce.hardCodes' : 'smtpDiagnostics.bounce.softCodes';
    return { type: verdict.type, reason: `${verdict.type === 'hard' ? 'Hard' : 'Soft'} because pattern ${verdict.pattern} is in the ${setting} setting; it overrides the server's words.` };
  }
  if (code.startsWith('4')) why = 'Soft: class 4 is a temporary failure; the queue retries and the address may be fine.';
  else if (verdict.type === 'review') why = `Review: ${code} says the failure is permanent but not why, so it does not put the address on the suppression list by itself.`;
  else why = verdict.row === 'code' ? byCodeAlone(code, verdict) : `${verdict.type === 'hard' ? 'Hard' : 'Soft'} by the default policy.`;
  if (documented && verdict.type === decision.type) why += ` ${documented.charAt(0).toUpperCase()}${documented.slice(1)}.`;
  return { type: verdict.type, reason: `${why} ${WORDS_DECIDE}` };
}

function replyDigitFor(statusClass: StatusClass): string {
  return statusClass === 2 ? '250' : statusClass === 4 ? '450' : '550';
}

export function explainEnhanced(parsed: EnhancedCode, policy?: BouncePolicy): CodeExplanation {
  const { statusClass, subject, detail, text: code } = parsed;
  const registered = registryEntry(subject, detail);
  const subjectEntry = subjectInfo(subject);
  const notes = detailNotes(subject, detail);
  const deep = deepEntry(code);
  const vendors = vendorRulesFor(code);
  const vendorTitled = registered ? undefined : vendors.find((rule) => rule.title !== undefined);
  const fallback = SUBJECT_FALLBACK[subject] ?? GENERIC_FALLBACK;
  const { type: bounceType, reason: bounceTypeReason } = bounceReason(code, policy);

  const subjectName = subjectEntry ? subjectEntry.title : 'an unregistered subject';
  const title = registered?.title ?? vendorTitled?.title ?? `Unregistered detail of ${subjectName}`;

  const classNote = statusClass === 2 ? notes?.success : statusClass === 4 ? notes?.transient : notes?.permanent;
  const rareSuccess = statusClass === 2 && registered !== undefined && notes?.success === undefined;
  const composedMeaning = [
    CLASS_MEANING[statusClass],
    rareSuccess
      ? `The detail ("${registered.title}") normally describes a problem: with class 2 it only names the area the server `
        + 'reports on (the action still succeeded), and servers rarely send it. As a failure it means: '
        + lowerFirst(notes?.about ?? `${registered.title}.`)
      : registered
        ? notes?.about ?? `The detail names: ${registered.title.toLowerCase()}.`
        : vendorTitled
          ? vendorTitled.note
          : `The detail ${detail} is not in the IANA registry, so only the class and the subject (${subjectEntry ? subjectEntry.area : `${subject}, which RFC 3463 does not define either`}) can be read from it; the server's own text names the reason.`,
    classNote,
  ].filter((part): part is string => part !== undefined).join(' ');

  const category: ReasonCategory = statusClass === 2
    ? 'success'
    : deep?.category ?? notes?.category ?? vendorTitled?.category ?? fallback.category;
  const causes = deep?.causes ?? (rareSuccess ? RARE_SUCCESS.causes : undefined) ?? notes?.causes ?? vendorTitled?.causes ?? fallback.causes;
  const actions = (rareSuccess ? RARE_SUCCESS.actions : undefined) ?? notes?.actions ?? vendorTitled?.actions ?? fallback.actions;

  return {
    code,
    kind: 'enhanced',
    statusClass,
    title,
    registered: registered !== undefined,
    ...(registered?.deprecated ? { deprecated: true } : {}),
    meaning: deep?.meaning ?? composedMeaning,
    breakdown: [
      `${statusClass}: class — ${describeClass(statusClass)}`,
      subjectEntry ? `${subject}: subject — ${subjectEntry.title} (${subjectEntry.area})` : `${subject}: subject — not defined by RFC 3463 (subjects are 0 to 7)`,
      registered
        ? `${detail}: detail — ${registered.title}${registered.deprecated ? ' (deprecated)' : ''}`
        : `${detail}: detail — not registered with IANA${vendorTitled ? `; ${vendorTitled.vendor} uses it` : ''}`,
    ],
    bounceType,
    bounceTypeReason,
    category,
    actionRequired: deep?.actionRequired ?? actionFor(bounceType),
    causes,
    marketerSteps: deep?.marketerSteps ?? actions,
    developerSteps: deep?.developerSteps ?? defaultDeveloperSteps(bounceType),
    investigation: deep?.investigation ?? fallback.investigation,
    examples: deep?.examples ?? [`${replyDigitFor(statusClass)} ${code} ${title}`],
    providerResponses: deep?.providerResponses ?? [],
    bestPractices: deep?.bestPractices ?? defaultBestPractices(bounceType),
    contrast: deep?.contrast ?? contrastFor(parsed, registered !== undefined),
    vendorNotes: vendors.map((rule) => ({ vendor: rule.vendor, note: rule.note })),
    references: [...new Set([...(registered?.references ?? []), 'RFC 3463', 'RFC 5248 (IANA registry)'])],
  };
}

function contrastFor(parsed: EnhancedCode, registered: boolean): string | undefined {
  if (!registered) return undefined;
  const { subject, detail, statusClass } = parsed;
  if (statusClass === 2) return `${4}.${subject}.${detail} and 5.${subject}.${detail} report the same area as a temporary and a permanent failure.`;
  const twin = `${statusClass === 5 ? 4 : 5}.${subject}.${detail}`;
  return statusClass === 5
    ? `${twin} is the temporary form: the same condition, but the sender keeps retrying. ${parsed.text} means the receiver considers it final.`
    : `${twin} is the permanent form: the receiver considers the condition final and the sender stops. ${parsed.text} means it may still clear, so the queue retries.`;
}

const REPLY_CLASS_TEXT: Record<ReplyClass, string> = {
  2: '2 = positive completion: the same class as an enhanced 2.x.x code',
  3: '3 = positive intermediate: the server waits for more from the client; no enhanced code has this class',
  4: '4 = transient negative completion: the same class as an enhanced 4.x.x code (retry later)',
  5: '5 = permanent negative completion: the same class as an enhanced 5.x.x code (do not retry unchanged)',
};

const REPLY_SECOND_DIGIT = ['syntax', 'information', 'connections', 'unspecified', 'unspecified', 'mail system'];

export function explainReply(code: string, policy?: BouncePolicy): CodeExplanation | undefined {
  const statusClass = Number(code[0]) as ReplyClass;
  const second = Number(code[1]);
  const info = replyCodeInfo(code);
  const { type: bounceType, reason: bounceTypeReason } = bounceReason(code, policy);
  const relation = statusClass === 3
    ? 'Intermediate (3xx) replies carry no enhanced status code: they only tell the client to go on.'
    : `The first digit (${statusClass}) of a reply code is the class of any enhanced code sent with it: `
      + `${statusClass}xx goes with ${statusClass}.x.x. Servers that announce ENHANCEDSTATUSCODES (RFC 2034) put an enhanced code `
      + 'after the reply code (for example "550 5.1.1"), and that code names the reason more precisely.';
  const title = info?.title ?? `Unlisted reply code (${describeClass(statusClass)}, ${REPLY_SECOND_DIGIT[second]})`;
  const fallback = SUBJECT_FALLBACK[0];
  return {
    code,
    kind: 'reply',
    statusClass,
    title,
    registered: info !== undefined,
    meaning: `${info?.meaning ?? `RFC 5321 does not list ${code}; only its digits can be read: ${describeClass(statusClass)}, about ${REPLY_SECOND_DIGIT[second]}.`} ${relation}`,
    breakdown: [
      `${statusClass}: ${REPLY_CLASS_TEXT[statusClass]}`,
      `${second}: ${REPLY_SECOND_DIGIT[second]} (RFC 5321 §4.2.1)`,
      `${code[2]}: finer grade within that group`,
    ],
    bounceType,
    bounceTypeReason,
    category: statusClass === 2 || statusClass === 3 ? 'success' : info?.category ?? fallback.category,
    actionRequired: actionFor(bounceType),
    causes: info?.causes ?? fallback.causes,
    marketerSteps: info?.actions ?? fallback.actions,
    developerSteps: defaultDeveloperSteps(bounceType),
    investigation: [
      'Look for an enhanced code (x.y.z) right after the reply code: it is more precise',
      ...fallback.investigation,
    ],
    examples: info ? [squeezeSpaces(`${code} ${info.commonEnhanced[0] ?? ''} ${info.title}`)] : [],
    providerResponses: [],
    bestPractices: defaultBestPractices(bounceType),
    contrast: info && info.commonEnhanced.length > 0 ? `Enhanced codes often sent with ${code}: ${info.commonEnhanced.join(', ')}.` : undefined,
    vendorNotes: [],
    references: info?.references ?? ['RFC 5321 §4.2'],
  };
}
