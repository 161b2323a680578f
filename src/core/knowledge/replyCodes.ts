// Basic SMTP reply codes: RFC 5321 section 4.2 (4.2.2 and 4.2.3), RFC 7504 (521, 556) and the AUTH replies
// of RFC 4954 that real logs show. Meanings are written for operators; titles follow the RFC wording.
import type { ReasonCategory } from './types';

export interface ReplyCodeInfo {
  readonly code: string;
  readonly title: string;
  readonly meaning: string;
  readonly category: ReasonCategory;
  readonly causes: readonly string[];
  readonly actions: readonly string[];
  /** Enhanced codes that servers commonly send with this reply. */
  readonly commonEnhanced: readonly string[];
  readonly references: readonly string[];
}

const RFC5321 = 'RFC 5321 §4.2';

export const REPLY_CODES: readonly ReplyCodeInfo[] = [
  {
    code: '211', title: 'System status, or system help reply', category: 'success', commonEnhanced: ['2.0.0'], references: [RFC5321],
    meaning: 'An informational answer about the server, usually to a HELP or status request.',
    causes: ['the client asked for status or help', 'a monitoring probe talked to the server'],
    actions: ['nothing to fix', 'read the text if you were diagnosing the server'],
  },
  {
    code: '214', title: 'Help message', category: 'success', commonEnhanced: ['2.0.0'], references: [RFC5321],
    meaning: 'Help text for a human, sent in answer to HELP.',
    causes: ['someone typed HELP in a manual session', 'a probe asked for help text'],
    actions: ['nothing to fix', 'use it to see which commands the server supports'],
  },
  {
    code: '220', title: '<domain> Service ready', category: 'success', commonEnhanced: ['2.0.0'], references: [RFC5321],
    meaning: 'The greeting: the server is ready for the session (also the answer to STARTTLS before the TLS handshake).',
    causes: ['a new connection was opened', 'the client sent STARTTLS'],
    actions: ['nothing to fix', 'the host name in the greeting tells you which server answered'],
  },
  {
    code: '221', title: '<domain> Service closing transmission channel', category: 'success', commonEnhanced: ['2.0.0'], references: [RFC5321],
    meaning: 'The server is closing the connection normally, usually after QUIT.',
    causes: ['the client sent QUIT', 'the session ended after the last message'],
    actions: ['nothing to fix', 'if it comes unexpectedly early, read the previous reply for the real reason'],
  },
  {
    code: '235', title: 'Authentication Succeeded', category: 'success', commonEnhanced: ['2.7.0'], references: ['RFC 4954'],
    meaning: 'SMTP AUTH succeeded; the client may now send as the authenticated user.',
    causes: ['correct credentials on a submission port', 'a relay authenticated to a smarthost'],
    actions: ['nothing to fix', 'confirm the account is the one you expect to send with'],
  },
  {
    code: '250', title: 'Requested mail action okay, completed', category: 'success', commonEnhanced: ['2.0.0', '2.1.0', '2.1.5', '2.6.0'], references: [RFC5321],
    meaning: 'The command succeeded. After the final "." of DATA it means the server took responsibility for the message; delivery beyond that server is its job.',
    causes: ['the command was accepted', 'the message was queued by the receiving server'],
    actions: ['nothing to fix', 'if the recipient says it never arrived, look for it in the receiving side (spam folder, filters) using the queue ID in the reply'],
  },
  {
    code: '251', title: 'User not local; will forward to <forward-path>', category: 'success', commonEnhanced: ['2.1.5'], references: [RFC5321],
    meaning: 'The recipient is not on this server but the server accepts the message and forwards it.',
    causes: ['the recipient moved and left a forwarding address', 'the server relays for that domain'],
    actions: ['nothing to fix', 'update the address in your list to the forward path if it is given'],
  },
  {
    code: '252', title: 'Cannot VRFY user, but will accept message and attempt delivery', category: 'success', commonEnhanced: ['2.1.5'], references: [RFC5321],
    meaning: 'The server will not confirm whether the address exists (VRFY is usually disabled against address harvesting) but accepts mail for it.',
    causes: ['VRFY is disabled by policy', 'the server cannot check the address at this point'],
    actions: ['do not read it as proof that the address exists', 'validate addresses by confirmed opt-in instead of VRFY'],
  },
  {
    code: '354', title: 'Start mail input; end with <CRLF>.<CRLF>', category: 'success', commonEnhanced: [], references: [RFC5321],
    meaning: 'The answer to DATA: the server has accepted the envelope and now waits for the message content, ended by a line holding a single dot. Seeing it in a transcript means every RCPT before it was accepted, so a failure after it concerns the content, not the address.',
    causes: ['the client sent DATA after at least one accepted RCPT TO', 'a transcript or debug log shows the normal SMTP dialogue'],
    actions: ['nothing to fix', 'if a 5xx follows the message content, read that reply: the rejection is about the message (content, size, policy), not the mailbox'],
  },
  {
    code: '421', title: '<domain> Service not available, closing transmission channel', category: 'system-not-accepting', commonEnhanced: ['4.3.2', '4.7.0', '4.7.28', '4.4.5'], references: [RFC5321],
    meaning: 'The server is closing the session and will not take mail now: overload, maintenance, too many connections, or rate limiting. The sender must retry later.',
    causes: ['too many connections or messages from your IP in a short time', 'the server is shutting down or overloaded'],
    actions: ['let the queue retry with backoff; lower concurrency to that domain', 'if it persists for days, check block lists and the text for a rate-limit reason'],
  },
  {
    code: '450', title: 'Requested mail action not taken: mailbox unavailable', category: 'system-not-accepting', commonEnhanced: ['4.2.0', '4.1.1', '4.7.1', '4.2.1'], references: [RFC5321],
    meaning: 'A temporary refusal for this mailbox: busy, locked, greylisted, or not verifiable right now. Retrying later usually works.',
    causes: ['greylisting: the server asks unknown senders to come back in a few minutes', 'the mailbox is locked or the recipient check timed out'],
    actions: ['let the queue retry; do not resend by hand', 'if every attempt gets 450 for days, read the text: it may hide a policy block'],
  },
  {
    code: '451', title: 'Requested action aborted: local error in processing', category: 'technical', commonEnhanced: ['4.3.0', '4.4.3', '4.7.1', '4.3.5'], references: [RFC5321],
    meaning: 'The server hit an error of its own (a failed lookup, a filter crash, a temporary policy check) and asks for a retry.',
    causes: ["a DNS or directory lookup failed on the receiver's side", 'greylisting or a content scanner that was not available'],
    actions: ['let the queue retry', 'if one domain keeps answering 451, contact its postmaster with the full reply text'],
  },
  {
    code: '452', title: 'Requested action not taken: insufficient system storage', category: 'mailbox-full', commonEnhanced: ['4.2.2', '4.3.1', '4.5.3'], references: [RFC5321],
    meaning: 'Temporary lack of space: the server disk or the mailbox quota is full, or (after RCPT TO) too many recipients were given in one transaction.',
    causes: ['the recipient mailbox is over quota', 'the client sent more RCPT TO commands than the server accepts per message'],
    actions: ['let the queue retry; quota problems often clear', 'if the text says "too many recipients", send the remaining recipients in a new transaction'],
  },
  {
    code: '455', title: 'Server unable to accommodate parameters', category: 'protocol', commonEnhanced: ['4.5.4'], references: [RFC5321],
    meaning: 'The server cannot handle a MAIL FROM or RCPT TO parameter right now.',
    causes: ['an ESMTP parameter (SIZE, NOTIFY, …) the server cannot honour at the moment', 'a temporary resource shortage'],
    actions: ['retry later', 'drop the optional parameter if the problem persists'],
  },
  {
    code: '500', title: 'Syntax error, command unrecognized', category: 'protocol', commonEnhanced: ['5.5.1', '5.5.2'], references: [RFC5321],
    meaning: 'The server did not understand the command (or the line was too long).',
    causes: ['a client bug or a non-SMTP client talking to port 25', 'a line longer than the server accepts'],
    actions: ['fix the sending software; retrying does not help', 'capture the session (SMTP transcript) to see the exact command'],
  },
  {
    code: '501', title: 'Syntax error in parameters or arguments', category: 'protocol', commonEnhanced: ['5.5.4', '5.1.3', '5.1.7', '5.5.2'], references: [RFC5321],
    meaning: 'The command was known but its argument was malformed, typically a bad address in MAIL FROM or RCPT TO, or a bad HELO name.',
    causes: ['an address with illegal characters or missing angle brackets', 'a HELO/EHLO name that is not a valid host name'],
    actions: ['check the address and HELO name the client sends', 'fix the template or code that builds the envelope'],
  },
  {
    code: '502', title: 'Command not implemented', category: 'protocol', commonEnhanced: ['5.5.1'], references: [RFC5321],
    meaning: 'The server knows the command but does not support it (VRFY, EXPN, TURN and the like).',
    causes: ['the client used an optional command the server disabled', 'a probe tried VRFY or EXPN'],
    actions: ['do not rely on that command', 'use EHLO capabilities to see what the server offers'],
  },
  {
    code: '503', title: 'Bad sequence of commands', category: 'protocol', commonEnhanced: ['5.5.1'], references: [RFC5321],
    meaning: 'Commands came in the wrong order: RCPT before MAIL, DATA without accepted recipients, AUTH required first.',
    causes: ['DATA sent after every RCPT TO was refused (pipelining clients)', 'the server needs AUTH or EHLO before MAIL'],
    actions: ['look at the replies before this one: the real failure is usually an earlier refused RCPT TO', 'fix the client to authenticate or greet first'],
  },
  {
    code: '504', title: 'Command parameter not implemented', category: 'protocol', commonEnhanced: ['5.5.4'], references: [RFC5321],
    meaning: 'The command parameter is not supported, for example an unknown AUTH mechanism.',
    causes: ['the client chose an AUTH mechanism the server does not offer', 'an ESMTP parameter the server does not implement'],
    actions: ['pick a mechanism listed in the EHLO reply', 'update the client configuration'],
  },
  {
    code: '521', title: '<domain> does not accept mail', category: 'null-mx', commonEnhanced: ['5.3.2'], references: ['RFC 7504', 'RFC 7505'],
    meaning: 'The host never accepts mail (RFC 7504), for example a web-only server or a domain published as "no mail" with a null MX.',
    causes: ['the domain has no mail service at all', 'you connected to a host that only exists for other services'],
    actions: ['remove the address: nothing will deliver there', 'check the address for typos in the domain'],
  },
  {
    code: '530', title: 'Authentication required', category: 'authentication', commonEnhanced: ['5.7.0', '5.7.11'], references: ['RFC 4954', 'RFC 3207'],
    meaning: 'The server requires AUTH (or STARTTLS first) before it accepts this command.',
    causes: ['the client sent mail to a submission server without logging in', 'STARTTLS is required before AUTH'],
    actions: ['configure the client with credentials and TLS', 'use the right port (587 with STARTTLS, 465 with implicit TLS)'],
  },
  {
    code: '534', title: 'Authentication mechanism is too weak', category: 'authentication', commonEnhanced: ['5.7.9'], references: ['RFC 4954'],
    meaning: 'The chosen AUTH mechanism is not acceptable to the server (for example PLAIN without TLS, or a legacy login a provider has turned off).',
    causes: ['plain-text authentication without TLS', 'the provider requires OAuth or an app password'],
    actions: ['enable TLS and a stronger mechanism', "follow the provider's rules for app passwords or OAuth"],
  },
  {
    code: '535', title: 'Authentication credentials invalid', category: 'authentication', commonEnhanced: ['5.7.8'], references: ['RFC 4954'],
    meaning: 'The user name or password given in AUTH was refused.',
    causes: ['wrong or expired password', 'the account is locked or requires an app-specific password'],
    actions: ['fix the credentials in the sending application', 'check the account for locks and security alerts'],
  },
  {
    code: '550', title: 'Requested action not taken: mailbox unavailable', category: 'user-unknown', commonEnhanced: ['5.1.1', '5.7.1', '5.1.0', '5.2.1', '5.4.1'], references: [RFC5321],
    meaning: 'The server refuses the action permanently. Most often the mailbox does not exist, but servers also use 550 for policy and spam blocks: the enhanced code and the text decide which.',
    causes: ['the mailbox does not exist or was closed', 'a policy or reputation block answered with 550'],
    actions: ['read the enhanced code: 5.1.x means a bad address (suppress it), 5.7.x means a block (fix the sender side)', 'do not retry the same message unchanged'],
  },
  {
    code: '551', title: 'User not local; please try <forward-path>', category: 'routing', commonEnhanced: ['5.1.6'], references: [RFC5321],
    meaning: 'The recipient is not on this server; the server refuses to forward and may name the new address.',
    causes: ['the person moved to another address', 'the server does not relay for that recipient'],
    actions: ['update the address if a forward path is given', 'otherwise remove it from the list'],
  },
  {
    code: '552', title: 'Requested mail action aborted: exceeded storage allocation', category: 'mailbox-full', commonEnhanced: ['5.2.2', '5.3.4', '5.2.3'], references: [RFC5321],
    meaning: 'The mailbox is over quota, or the message is larger than the server or mailbox allows.',
    causes: ['the recipient mailbox is full', 'the message (with attachments) exceeds the size limit'],
    actions: ['for a full mailbox, retry over a few days before suppressing', 'for size, send a link instead of a large attachment'],
  },
  {
    code: '553', title: 'Requested action not taken: mailbox name not allowed', category: 'user-unknown', commonEnhanced: ['5.1.3', '5.1.7', '5.7.1'], references: [RFC5321],
    meaning: 'The address is not acceptable: bad syntax, or a mailbox name the server does not allow (also used for relay denied).',
    causes: ['a malformed address', 'the server does not relay for that domain'],
    actions: ['correct the address syntax', 'check you are sending to the right server (MX) for the domain'],
  },
  {
    code: '554', title: 'Transaction failed', category: 'policy', commonEnhanced: ['5.7.1', '5.3.0', '5.6.0'], references: [RFC5321],
    meaning: 'The transaction failed permanently. At connection time it means "no SMTP service here"; after DATA it is most often a spam, virus or policy rejection.',
    causes: ['content or reputation filtering rejected the message', 'the client IP is on a block list used by the receiver'],
    actions: ['read the text for a block list name or a policy link', 'fix reputation or content before sending again'],
  },
  {
    code: '555', title: 'MAIL FROM/RCPT TO parameters not recognized or not implemented', category: 'protocol', commonEnhanced: ['5.5.4'], references: [RFC5321],
    meaning: 'The server does not know an ESMTP parameter given with MAIL FROM or RCPT TO.',
    causes: ['the client used an extension (SMTPUTF8, SIZE, DSN) without checking EHLO', 'a client bug'],
    actions: ['only use extensions the EHLO reply advertises', 'update the sending software'],
  },
  {
    code: '556', title: 'Domain does not accept mail', category: 'null-mx', commonEnhanced: ['5.1.10'], references: ['RFC 7504', 'RFC 7505'],
    meaning: "A relay reports that the recipient's domain does not accept mail at all, typically because it publishes a null MX (RFC 7505).",
    causes: ['the recipient domain publishes "MX 0 ." (null MX)', 'the domain is parked or used only for the web'],
    actions: ['remove the address: the domain receives no mail', 'check for a typo in the domain'],
  },
];

const BY_CODE = new Map(REPLY_CODES.map((entry) => [entry.code, entry]));

export function replyCodeInfo(code: string): ReplyCodeInfo | undefined {
  return BY_CODE.get(code);
}
