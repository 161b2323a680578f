// X.5.x: Mail Delivery Protocol Status.
import type { DetailNotes } from '../notes';

export const PROTOCOL: Readonly<Record<number, DetailNotes>> = {
  0: {
    category: 'protocol',
    about: 'A protocol problem without a more precise reason. Some servers use 5.5.0 for refusals of all kinds, including unknown recipients.',
    permanent: 'As 5.5.0 read the text: "mailbox unavailable" after RCPT TO is a user-unknown in disguise.',
    transient: 'As 4.5.0 the dialogue failed temporarily.',
    success: 'As 2.5.0 it is a plain acceptance used by some servers.',
    causes: ['a server that sends 5.5.0 for every refusal', 'a real protocol error by the client'],
    actions: ['classify by the text and the command it answered', 'capture the SMTP session if it comes from your own client'],
  },
  1: {
    category: 'protocol',
    about: 'The command was not valid: unknown, or not allowed at this point of the session.',
    permanent: 'As 5.5.1 the client must change what it sends.',
    transient: 'As 4.5.1 the command is not allowed right now.',
    causes: ['a client sending commands out of order', 'a command the server does not implement'],
    actions: ['fix the sending software', 'compare the session with the EHLO capabilities'],
  },
  2: {
    category: 'protocol',
    about: 'The command had a syntax error.',
    permanent: 'As 5.5.2 retrying the same bytes will fail the same way.',
    transient: 'As 4.5.2 it is rare; fix the client anyway.',
    causes: ['bare line feeds or overlong lines', 'malformed addresses or HELO names'],
    actions: ['fix the client that builds the commands', 'check line endings (CRLF) in what the client sends'],
  },
  3: {
    category: 'protocol',
    about: 'Too many recipients for one message transaction.',
    permanent: 'As 5.5.3 the extra recipients must go in a new transaction.',
    transient: 'As 4.5.3 the server asks the client to send the remaining recipients later (RFC 5321 requires accepting at least 100).',
    causes: ['more RCPT TO commands than the server allows per message', 'a per-connection recipient limit'],
    actions: ['split large recipient lists into several transactions', 'let the queue deliver the deferred recipients'],
  },
  4: {
    category: 'protocol',
    about: 'A command argument was invalid (for example an unknown ESMTP parameter or a bad value).',
    permanent: 'As 5.5.4 the argument must change.',
    transient: 'As 4.5.4 the server cannot accept the parameter right now.',
    causes: ['an ESMTP parameter the server did not advertise', 'a malformed address or parameter value'],
    actions: ['only use extensions listed in the EHLO reply', 'fix the sending software'],
  },
  5: {
    category: 'protocol',
    about: 'The protocol version is wrong (for example an ESMTP feature used with a server that only speaks plain SMTP).',
    permanent: 'As 5.5.5 the client must fall back to what the server supports.',
    transient: 'As 4.5.5 it is rare; fix the client anyway.',
    causes: ['the client used EHLO features after a HELO-only greeting', 'an LMTP/SMTP mix-up'],
    actions: ['fall back to plain SMTP for that server', 'check which protocol the port speaks'],
  },
  6: {
    category: 'authentication',
    about: 'The SMTP AUTH exchange sent a line longer than the server accepts (RFC 4954).',
    permanent: 'As 5.5.6 the client must use a shorter exchange.',
    transient: 'As 4.5.6 it is rare; fix the client anyway.',
    causes: ['a very long OAuth token sent on one line', 'a client that does not split the initial response'],
    actions: ['update the mail client or library', 'use a mechanism that keeps lines short'],
  },
};
