// Parsing of SMTP status codes: RFC 3463 enhanced codes (class.subject.detail) and RFC 5321 reply codes.

/** The class digit shared by reply codes (2xx/4xx/5xx) and enhanced codes (2.x.x/4.x.x/5.x.x). */
export type StatusClass = 2 | 4 | 5;

/** Reply codes add class 3, the intermediate replies (354 after DATA), which have no enhanced-code twin. */
export type ReplyClass = StatusClass | 3;

export interface EnhancedCode {
  readonly statusClass: StatusClass;
  readonly subject: number;
  readonly detail: number;
  /** Canonical text, e.g. "5.3.2" (leading zeros dropped). */
  readonly text: string;
}

// RFC 3463: class is 2, 4 or 5; subject 1-3 digits; detail 1-3 digits.
const ENHANCED = /^([245])\.(\d{1,3})\.(\d{1,3})$/;

/** Parses "5.3.2"; returns undefined for anything that is not an RFC 3463 enhanced status code. */
export function parseEnhancedCode(text: string): EnhancedCode | undefined {
  const match = ENHANCED.exec(text.trim());
  if (!match) return undefined;
  const statusClass = Number(match[1]) as StatusClass;
  const subject = Number(match[2]);
  const detail = Number(match[3]);
  return { statusClass, subject, detail, text: `${statusClass}.${subject}.${detail}` };
}

export function describeClass(statusClass: ReplyClass): string {
  switch (statusClass) {
    case 2: return 'success';
    case 3: return 'intermediate reply';
    case 4: return 'persistent transient failure';
    case 5: return 'permanent failure';
  }
}
