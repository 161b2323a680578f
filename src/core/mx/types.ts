// Result shapes of the MX lookup and the SMTP probe, shared by the engine, the CLI, the editor commands and reports.

/**
 * Distinct outcomes of a failed DNS lookup, each with its own plain-language message. NXDOMAIN, SERVFAIL and REFUSED
 * are response codes a server sent; NO_ANSWER is a server that could not be reached at all (connection refused,
 * unreachable), TIMEOUT one that stayed silent; TRUNCATED an answer cut short over UDP and TCP alike.
 */
export type DnsErrorCode =
  | 'NXDOMAIN' | 'NODATA' | 'SERVFAIL' | 'REFUSED' | 'TIMEOUT' | 'NO_ANSWER' | 'TRUNCATED' | 'CNAME_LOOP' | 'MALFORMED' | 'CANCELLED' | 'ERROR';

export interface DnsError {
  readonly code: DnsErrorCode;
  readonly message: string;
}

export interface HostAddress {
  readonly address: string;
  readonly family: 4 | 6;
  /** Seconds, as the server gave it. */
  readonly ttl: number;
}

export interface MxRecord {
  /** Host name in A-labels, lower case, no trailing dot; for an implicit MX, the domain itself. */
  readonly exchange: string;
  readonly priority: number;
  /** A then AAAA addresses. Empty when the host has none (see warnings). */
  readonly addresses: readonly HostAddress[];
  /** Set when the exchange is an alias: the name it points to. */
  readonly cname?: string;
  /** Why the addresses could not be looked up, when they could not. */
  readonly addressError?: DnsError;
  /** Set when the host was beyond the most preferred MAX_RESOLVED_MX_HOSTS: its addresses were not asked for. */
  readonly notLookedUp?: true;
}

export type MxWarningKind =
  | 'mx-cname' | 'mx-ip-literal' | 'duplicate-mx' | 'mx-no-address' | 'no-usable-mx' | 'null-mx-mixed' | 'null-mx-priority' | 'many-mx';

export interface MxWarning {
  readonly kind: MxWarningKind;
  readonly exchange?: string;
  readonly message: string;
}

export interface MxResult {
  /** Display form of the domain (U-labels); the input as given when it is not a domain. */
  readonly domain: string;
  /** A-label form asked of DNS; empty when the input is not a domain. */
  readonly asciiDomain: string;
  /** Sorted by preference (lowest first), then by name. */
  readonly records: readonly MxRecord[];
  /** RFC 7505: the domain says it accepts no mail. */
  readonly nullMx: boolean;
  /** RFC 5321 §5.1: no MX, so the domain's own A/AAAA is the mail host. */
  readonly implicitMx: boolean;
  readonly warnings: readonly MxWarning[];
  readonly error: DnsError | null;
  readonly durationMs: number;
}

export interface DnsOptions {
  /** `ip`, `ip:port` or `[ipv6]:port`; empty means the system's resolvers. */
  readonly servers: readonly string[];
  /** Longest time one domain's lookup may take, retries and host addresses included; 1 to 2^31−1. */
  readonly timeoutMs: number;
  /** Attempts per DNS query. */
  readonly tries: number;
}

export const DEFAULT_DNS_OPTIONS: DnsOptions = { servers: [], timeoutMs: 5000, tries: 2 };

export interface SmtpReply {
  readonly code: number;
  /** The text after the code on each line of the reply. */
  readonly lines: readonly string[];
}

export type ProbeOutcome = 'accepting' | 'rejecting' | 'refused' | 'timeout' | 'unreachable' | 'no-address' | 'protocol-error' | 'cancelled';

export interface HostProbe {
  readonly exchange: string;
  readonly priority: number;
  /** The address connected to; null when the host has none. */
  readonly address: string | null;
  readonly port: number;
  readonly outcome: ProbeOutcome;
  /** One plain-language sentence on what happened. */
  readonly message: string;
  readonly greeting?: SmtpReply;
  readonly ehlo?: SmtpReply;
  /** Whether EHLO listed STARTTLS. */
  readonly starttls: boolean;
  readonly quit?: SmtpReply;
  readonly durationMs: number;
}

export interface ProbeResult {
  readonly domain: string;
  readonly asciiDomain: string;
  readonly mx: MxResult;
  /** One per distinct MX host, in preference order. */
  readonly hosts: readonly HostProbe[];
}

export interface ProbeOptions {
  readonly port: number;
  /** Longest time one host may take: connect, greeting, EHLO and QUIT; 1 to 2^31−1. */
  readonly timeoutMs: number;
}

export const DEFAULT_PROBE_OPTIONS: ProbeOptions = { port: 25, timeoutMs: 10_000 };
