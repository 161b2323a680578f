// Notes for every registered detail, one module per subject, keyed "subject.detail".
import type { DetailNotes } from '../notes';
import { OTHER } from './other';
import { ADDRESSING } from './addressing';
import { MAILBOX } from './mailbox';
import { MAIL_SYSTEM } from './mailSystem';
import { NETWORK } from './network';
import { PROTOCOL } from './protocol';
import { CONTENT } from './content';
import { SECURITY } from './security';

const BY_SUBJECT: readonly (Readonly<Record<number, DetailNotes>>)[] = [OTHER, ADDRESSING, MAILBOX, MAIL_SYSTEM, NETWORK, PROTOCOL, CONTENT, SECURITY];

export function detailNotes(subject: number, detail: number): DetailNotes | undefined {
  return BY_SUBJECT[subject]?.[detail];
}
