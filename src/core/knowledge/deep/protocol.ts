// Full-depth entries for X.5.x (Mail Delivery Protocol Status) beyond the generic 5.5.0.
import type { DeepEntry } from '../notes';

export const PROTOCOL_DEEP: Readonly<Record<string, DeepEntry>> = {
  '5.5.2': {
    category: 'protocol',
    meaning: 'The server could not parse a command: a syntax error. Typical causes are malformed addresses in MAIL FROM or RCPT TO, a HELO '
      + 'name that is not a host name, or bare line feeds. The fault is in the sending software; the same bytes will fail every time.',
    causes: [
      'An address without angle brackets or with spaces (MAIL FROM: user@example.com ).',
      'Bare LF line endings instead of CRLF.',
      'A HELO/EHLO name that is empty, an IP without brackets, or has illegal characters.',
      'A command line longer than 512 octets.',
      'Non-ASCII bytes in a command without SMTPUTF8.',
      'A client that pipelines before the server allows it.',
      'A hand-written SMTP client with a bug.',
      'A proxy or firewall that rewrites the SMTP dialogue.',
    ],
    marketerSteps: [
      'Tell the developers or the platform: the sending software is at fault.',
      'Keep the recipients; nothing is wrong with them.',
      'Note which messages or templates fail.',
      'Pause the affected stream.',
      'Resend after the fix.',
    ],
    developerSteps: [
      'Capture an SMTP transcript of the failing session.',
      'Always send CRLF line endings.',
      'Wrap envelope addresses in angle brackets, without spaces.',
      'Use a fully qualified host name (or [IP] literal) in HELO/EHLO.',
      'Prefer a maintained mail library over hand-written SMTP.',
    ],
    investigation: [
      'Find the command the server answered with 5.5.2.',
      'Look at the exact bytes sent (transcript or packet capture).',
      'Check line endings and line lengths.',
      'Check the HELO name and the envelope addresses.',
      'Compare with a known-good client to the same server.',
    ],
    examples: [
      '501 5.5.2 <user@example.com >: Syntax error in parameters',
      '500 5.5.2 Error: bad syntax',
    ],
    providerResponses: [
      { provider: 'Postfix', text: '501 5.5.2 Syntax: HELO hostname' },
      { provider: 'Gmail', text: '555-5.5.2 Syntax error, goodbye.' },
      { provider: 'Generic', text: '500 5.5.2 Syntax error, command unrecognized' },
    ],
    bestPractices: [
      'Use a well-tested mail library.',
      'Log SMTP transcripts for failing sends.',
      'Validate addresses before they reach the envelope.',
      'Test new senders against several receivers.',
      'Do not suppress recipients for protocol errors.',
      'Keep proxies out of the SMTP path or make them transparent.',
    ],
    contrast: '4.5.2 is rare; a syntax error does not go away by waiting.',
  },
};
