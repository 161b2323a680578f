// X.3.x: Mail System Status.
import type { DetailNotes } from '../notes';

export const MAIL_SYSTEM: Readonly<Record<number, DetailNotes>> = {
  0: {
    category: 'system-not-accepting',
    about: 'The receiving mail system has a problem that is not about one mailbox, and it gave no precise reason.',
    permanent: 'As 5.3.0 it is generic: sometimes an unknown user, sometimes a filter or a broken system.',
    transient: 'As 4.3.0 the system had a local error (lookup failure, crashed filter, out of resources) and asks for a retry.',
    causes: ['a content filter or milter failed on the receiving side', 'a temporary resource shortage on the receiving server'],
    actions: ['retry the temporary form; read the text for the permanent form', 'contact the receiving postmaster if it repeats'],
  },
  1: {
    category: 'system-not-accepting',
    about: "The receiving system's storage (disk or queue) is full: not one mailbox, the whole server.",
    permanent: 'As 5.3.1 it is unusual; the condition is still the server\'s, not the address\'s.',
    transient: 'As 4.3.1 ("Insufficient system resources") the queue retries until space is freed.',
    causes: ['the receiving server ran out of disk space', 'its queue is full after an outage'],
    actions: ['let the queue retry', 'tell the receiving postmaster if it lasts'],
  },
  2: {
    category: 'system-not-accepting',
    about: 'The receiving system is not accepting network messages at all: it is shut down, disabled or refusing every incoming message.',
    permanent: 'As 5.3.2 the condition is persistent: the system does not take mail and will not by itself start again.',
    transient: 'As 4.3.2 the system is not accepting mail right now (maintenance, shutdown in progress, overload) and may soon again.',
    causes: ['the server is decommissioned or mail service is disabled', 'maintenance, shutdown or overload'],
    actions: ['retry the temporary form; suppress after the permanent form', 'check the MX records of the domain'],
  },
  3: {
    category: 'system-not-accepting',
    about: 'The receiving system does not support a feature the message asked for (for example a DSN option or a delivery-time request).',
    permanent: 'As 5.3.3 the feature will not appear by retrying.',
    transient: 'As 4.3.3 it is rare; the feature is unlikely to appear by itself.',
    causes: ['the sender asked for an SMTP extension the receiver lacks', 'a relay between the two lost the capability'],
    actions: ['send without the optional feature', 'check the EHLO reply for supported extensions'],
  },
  4: {
    category: 'message-too-big',
    about: 'The message is larger than the receiving system accepts (its SIZE limit), whatever the mailbox.',
    permanent: 'As 5.3.4 this message will not pass; a smaller one will.',
    transient: 'As 4.3.4 the system cannot take a message this big right now (for example low space).',
    causes: ['attachments larger than the server limit (often 10 to 50 MB)', 'base64 encoding adding about a third to the size'],
    actions: ['send a link instead of a large attachment', "check the SIZE value in the receiver's EHLO reply"],
  },
  5: {
    category: 'technical',
    about: 'The receiving system says it is configured incorrectly.',
    permanent: 'As 5.3.5 it will keep failing until the receiver fixes its configuration.',
    transient: 'As 4.3.5 the fault may be repaired soon.',
    causes: ['a broken relay or transport table on the receiving side', 'an MX pointing at a host that does not handle the domain'],
    actions: ['contact the receiving domain with the full reply', 'retry the temporary form'],
  },
  6: {
    category: 'technical',
    about: 'The receiver changed the priority the message asked for (RFC 6710 MT-PRIORITY); delivery continues with a different priority.',
    success: 'As 2.3.6 the message was accepted with another priority.',
    transient: 'With class 4 the changed priority comes with a delay.',
    permanent: 'With class 5 it is rare; read the text.',
    causes: ['the sender asked for a priority it is not allowed to use', 'local policy caps priorities'],
    actions: ['nothing is needed for 2.3.6', 'check which priority levels the receiver allows'],
  },
};
