// Identifiers in a server's reply: Gmail's message IDs, Microsoft's server names, queue IDs, hashes, time stamps.
// They differ in every reply, so they are data, not words: the decision table does not read them (classify.ts), and
// the report's patterns of equal failures leave them out (report.ts).

/**
 * A run of letters and digits at least ten long that holds a digit. Letters alone are words ("OverQuotaTemp" says the
 * mailbox is full), and so are the parts of "MAILBOX_QUOTA_EXCEEDED_42"; short runs with digits are codes, ports and
 * address parts. Global: for `replace`.
 */
export const IDENTIFIER = /(?<![A-Za-z0-9])(?=[A-Za-z0-9]{10})[A-Za-z]*\d[A-Za-z0-9]*/g;
