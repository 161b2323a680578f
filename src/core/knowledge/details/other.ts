// X.0.x: Other or Undefined Status.
import type { DetailNotes } from '../notes';

export const OTHER: Readonly<Record<number, DetailNotes>> = {
  0: {
    category: 'other',
    about: 'The server reports no particular reason. X.0.0 is what servers send when they have nothing more precise, so the free text after the code carries the real cause.',
    transient: 'As 4.0.0 the receiver asks for a retry: often greylisting, a busy server or a lookup that timed out.',
    permanent: 'As 5.0.0 the refusal is final but generic: it may hide an unknown user, a policy block or a relay refusal.',
    success: 'As 2.0.0 it is the plain "OK" many servers send for accepted commands and queued messages.',
    causes: ['the receiving software sends X.0.0 for every failure it has no mapping for', 'a filter or script refused with a generic code', 'an unknown recipient on a server that does not use X.1.1'],
    actions: ['read the text after the code and classify the bounce by it', 'check the same recipient domain for other, more precise codes'],
  },
};
