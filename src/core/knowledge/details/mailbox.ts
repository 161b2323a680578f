// X.2.x: Mailbox Status.
import type { DetailNotes } from '../notes';

export const MAILBOX: Readonly<Record<number, DetailNotes>> = {
  0: {
    category: 'mailbox-disabled',
    about: 'The mailbox exists but something about it prevents delivery, and the server did not say what.',
    permanent: 'As 5.2.0 servers often use it for disabled or unknown mailboxes.',
    transient: 'As 4.2.0 the mailbox is temporarily unavailable (locked, busy, greylisted).',
    causes: ['a mailbox that is suspended or locked', 'a per-mailbox rule or quota the server reports generically'],
    actions: ['read the text for the mailbox state', 'retry temporary forms; suppress after repeated permanent failures'],
  },
  1: {
    category: 'mailbox-disabled',
    about: 'The mailbox exists but is disabled and refuses mail.',
    permanent: 'As 5.2.1 the account is closed, suspended or inactive for a long time.',
    transient: 'As 4.2.1 the mailbox is locked for a while, for example during a migration.',
    causes: ['the provider disabled an inactive account', 'the owner or an administrator suspended it'],
    actions: ['suppress the address after the permanent form', 'ask the recipient for another address'],
  },
  2: {
    category: 'mailbox-full',
    about: "The recipient's mailbox is over its storage quota.",
    permanent: 'As 5.2.2 the server refuses now; the mailbox may still be emptied later, which is why most senders treat it as soft.',
    transient: 'As 4.2.2 the queue retries and delivery succeeds once space is freed.',
    causes: ['the owner does not clean up or no longer reads the mailbox', 'a large message would push the mailbox over quota'],
    actions: ['retry over several days before suppressing', 'watch for addresses that stay full: they are abandoned'],
  },
  3: {
    category: 'message-too-big',
    about: 'The message is larger than this mailbox (or its administrator) allows per message.',
    permanent: 'As 5.2.3 this message will not fit; a smaller one will.',
    transient: 'As 4.2.3 it is unusual; the limit will not change by retrying.',
    causes: ['large attachments', 'the base64 encoding grew the message by about a third beyond the raw file size'],
    actions: ['send a link instead of the attachment', 'compress or resize attachments'],
  },
  4: {
    category: 'routing',
    about: 'The recipient is a mailing list whose expansion into member addresses failed.',
    permanent: 'As 5.2.4 the list is broken or refuses your message.',
    transient: 'As 4.2.4 the list server could not expand it right now.',
    causes: ['the list has no members or a broken member source', 'a posting restriction on the list'],
    actions: ['contact the list owner', 'send to individual members if appropriate'],
  },
};
