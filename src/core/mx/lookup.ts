// MX lookup with node:dns (never a shell `dig`): records sorted by preference, each host resolved to A/AAAA with
// TTLs, null MX (RFC 7505), implicit MX (RFC 5321 §5.1) and the usual misconfigurations as warnings.
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { parseDnsServers } from './dnsServers';
import { parseDomain } from './domainName';
import { DEFAULT_DNS_OPTIONS, DnsError, DnsErrorCode, DnsOptions, HostAddress, MxRecord, MxResult, MxWarning } from './types';

/** What one host name resolves to; cached per batch run so shared MX hosts are asked once. */
export interface HostLookup {
  readonly addresses: readonly HostAddress[];
  readonly cname?: string;
  readonly error?: DnsError;
}

export interface LookupContext {
  /** Aborting cancels the lookup's queries at once; the result then has error CANCELLED. */
  readonly signal?: AbortSignal;
  /** Host name → its addresses, shared between the lookups of one run. */
  readonly hostCache?: Map<string, Promise<HostLookup>>;
}

/** Holds a lookup to `timeoutMs` overall and to the caller's abort signal by cancelling its resolver's queries. */
class Deadline {
  reason: 'timeout' | 'cancelled' | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly onAbort = () => this.stop('cancelled');

  constructor(private readonly resolver: Resolver, timeoutMs: number, private readonly signal?: AbortSignal) {
    this.timer = setTimeout(() => this.stop('timeout'), timeoutMs);
    signal?.addEventListener('abort', this.onAbort);
  }

  private stop(reason: 'timeout' | 'cancelled'): void {
    this.reason ??= reason;
    this.resolver.cancel();
  }

  clear(): void {
    clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this.onAbort);
  }
}

function createResolver(options: DnsOptions): Resolver {
  const tries = Math.max(1, Math.floor(options.tries));
  // Each try gets an equal share of the overall budget; the Deadline enforces the budget itself.
  const perTry = Math.max(50, Math.floor(options.timeoutMs / tries));
  const resolver = new Resolver({ timeout: perTry, tries });
  if (options.servers.length > 0) {
    const parsed = parseDnsServers(options.servers);
    if (!parsed.ok) throw new Error(`Invalid DNS server: ${parsed.reason}.`);
    resolver.setServers(parsed.servers);
  }
  return resolver;
}

const CODE_BY_NODE_ERROR: Readonly<Record<string, DnsErrorCode>> = {
  ENOTFOUND: 'NXDOMAIN',
  ENODATA: 'NODATA',
  ESERVFAIL: 'SERVFAIL',
  EREFUSED: 'REFUSED',
  ECONNREFUSED: 'REFUSED',
  ETIMEOUT: 'TIMEOUT',
  EBADNAME: 'MALFORMED',
  EBADQUERY: 'MALFORMED',
  EFORMERR: 'MALFORMED',
};

function errorCode(error: unknown, deadline: Deadline): DnsErrorCode {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  // Only our Deadline cancels queries; called without an error, it names why the deadline stopped the lookup.
  if (error === undefined || code === 'ECANCELLED') return deadline.reason === 'cancelled' ? 'CANCELLED' : 'TIMEOUT';
  return CODE_BY_NODE_ERROR[code] ?? 'ERROR';
}

/** The plain-language sentence for an outcome; `name` is the domain or host it is about. */
export function describeDnsError(code: DnsErrorCode, name: string, timeoutMs: number, detail = ''): string {
  switch (code) {
    case 'NXDOMAIN': return `${name} does not exist (NXDOMAIN): nothing can be delivered to it. Check for a typo or an expired domain.`;
    case 'NODATA': return `${name} exists but has no MX and no A/AAAA record (NODATA): there is no host to deliver mail to.`;
    case 'SERVFAIL': return `The DNS servers for ${name} failed to answer (SERVFAIL): often broken DNSSEC or unreachable name servers; usually temporary.`;
    case 'REFUSED': return `The DNS server refused the query for ${name} (REFUSED): it may not answer for this name or for you; try another DNS server.`;
    case 'TIMEOUT': return `No answer for ${name} within ${timeoutMs} ms (timeout): the DNS server is unreachable or too slow.`;
    case 'MALFORMED': return `"${name}" is not a valid domain name${detail ? `: ${detail}` : ''}.`;
    case 'CANCELLED': return `The lookup of ${name} was cancelled.`;
    case 'ERROR': return `The lookup of ${name} failed${detail ? `: ${detail}` : ''}.`;
  }
}

function isIpLiteral(exchange: string): boolean {
  return isIP(exchange.replace(/^\[|\]$/g, '')) !== 0;
}

async function resolveHost(resolver: Resolver, host: string, deadline: Deadline, timeoutMs: number): Promise<HostLookup> {
  // cancel() only reaches queries already sent: after the deadline, send none.
  if (deadline.reason) {
    const code = errorCode(undefined, deadline);
    return { addresses: [], error: { code, message: describeDnsError(code, host, timeoutMs) } };
  }
  const [v4, v6, alias] = await Promise.allSettled([
    resolver.resolve4(host, { ttl: true }),
    resolver.resolve6(host, { ttl: true }),
    resolver.resolveCname(host),
  ]);
  const addresses: HostAddress[] = [
    ...(v4.status === 'fulfilled' ? v4.value.map(({ address, ttl }) => ({ address, family: 4 as const, ttl })) : []),
    ...(v6.status === 'fulfilled' ? v6.value.map(({ address, ttl }) => ({ address, family: 6 as const, ttl })) : []),
  ];
  const cname = alias.status === 'fulfilled' && alias.value.length > 0 ? alias.value[0].toLowerCase() : undefined;
  if (addresses.length > 0) return { addresses, cname };
  // No address: say why. A missing name outranks "no records", and any real failure outranks both.
  const codes = [v4, v6].map((result) => (result.status === 'rejected' ? errorCode(result.reason, deadline) : 'NODATA'));
  const code = codes.find((candidate) => candidate !== 'NXDOMAIN' && candidate !== 'NODATA') ?? (codes.includes('NXDOMAIN') ? 'NXDOMAIN' : 'NODATA');
  const detail = codes.includes('ERROR') ? String((v4.status === 'rejected' ? v4.reason : v6.status === 'rejected' ? v6.reason : '')) : '';
  return { addresses, cname, error: { code, message: describeDnsError(code, host, timeoutMs, detail) } };
}

function normalizeHost(exchange: string): string {
  return exchange.toLowerCase().replace(/\.$/, '');
}

function warningsFor(records: readonly MxRecord[], ipLiterals: ReadonlySet<string>): MxWarning[] {
  const warnings: MxWarning[] = [];
  const seen = new Set<string>();
  for (const record of records) {
    const { exchange } = record;
    if (seen.has(exchange)) {
      warnings.push({ kind: 'duplicate-mx', exchange, message: `${exchange} is listed more than once; the extra record adds no redundancy.` });
      continue;
    }
    seen.add(exchange);
    if (ipLiterals.has(exchange)) {
      warnings.push({ kind: 'mx-ip-literal', exchange, message: `The MX names an IP address (${exchange}) instead of a host name (RFC 5321 §5.1); most senders treat it as a host name that does not exist.` });
    } else if (record.cname) {
      warnings.push({ kind: 'mx-cname', exchange, message: `${exchange} is an alias (CNAME) of ${record.cname}; an MX must name a host directly (RFC 2181 §10.3). Most senders cope, some refuse.` });
    }
    if (!ipLiterals.has(exchange) && record.addresses.length === 0) {
      warnings.push({ kind: 'mx-no-address', exchange, message: `${exchange} has no A or AAAA address: ${record.addressError?.message ?? 'it cannot be reached.'}` });
    }
  }
  if (records.length > 0 && records.every((record) => record.addresses.length === 0)) {
    warnings.push({ kind: 'no-usable-mx', message: 'No MX host has an address: mail to this domain cannot be delivered.' });
  }
  return warnings;
}

/**
 * Looks up the MX records of a domain (or of the domain of an address) and resolves every MX host. Never throws:
 * every failure is a result with `error` set, and nothing takes longer than `options.timeoutMs`.
 */
export async function lookupMx(input: string, options: DnsOptions = DEFAULT_DNS_OPTIONS, context: LookupContext = {}): Promise<MxResult> {
  const started = Date.now();
  const empty = { records: [], nullMx: false, implicitMx: false, warnings: [] };
  const parsed = parseDomain(input);
  if (!parsed.ok) {
    const name = input.trim();
    return { domain: name, asciiDomain: '', ...empty, error: { code: 'MALFORMED', message: describeDnsError('MALFORMED', name, options.timeoutMs, parsed.reason) }, durationMs: 0 };
  }
  const { domain, asciiDomain } = parsed;
  if (context.signal?.aborted) {
    return { domain, asciiDomain, ...empty, error: { code: 'CANCELLED', message: describeDnsError('CANCELLED', asciiDomain, options.timeoutMs) }, durationMs: 0 };
  }
  let resolver: Resolver;
  try {
    resolver = createResolver(options);
  } catch (error) {
    return { domain, asciiDomain, ...empty, error: { code: 'ERROR', message: (error as Error).message }, durationMs: 0 };
  }
  const deadline = new Deadline(resolver, options.timeoutMs, context.signal);
  try {
    const result = await lookupWith(resolver, deadline, asciiDomain, options, context.hostCache);
    return { domain, asciiDomain, ...result, durationMs: Date.now() - started };
  } finally {
    deadline.clear();
  }
}

type LookupBody = Omit<MxResult, 'domain' | 'asciiDomain' | 'durationMs'>;

async function lookupWith(resolver: Resolver, deadline: Deadline, asciiDomain: string, options: DnsOptions, hostCache?: Map<string, Promise<HostLookup>>): Promise<LookupBody> {
  const fail = (code: DnsErrorCode, detail = ''): LookupBody => ({
    records: [], nullMx: false, implicitMx: false, warnings: [], error: { code, message: describeDnsError(code, asciiDomain, options.timeoutMs, detail) },
  });
  const hostLookup = (host: string): Promise<HostLookup> => {
    const cached = hostCache?.get(host);
    if (cached) return cached;
    const pending = resolveHost(resolver, host, deadline, options.timeoutMs);
    hostCache?.set(host, pending);
    // Keep only definite answers: a timeout of one domain's lookup must not become another's.
    void pending.then((found) => { if (found.error?.code === 'TIMEOUT' || found.error?.code === 'CANCELLED') hostCache?.delete(host); });
    return pending;
  };

  let answers: { exchange: string; priority: number }[];
  try {
    answers = await resolver.resolveMx(asciiDomain);
  } catch (error) {
    const code = errorCode(error, deadline);
    if (code !== 'NODATA') return fail(code, code === 'ERROR' ? String(error) : '');
    answers = [];
  }

  if (answers.length === 0) {
    // RFC 5321 §5.1: without MX records the domain's own address is the mail host.
    const own = await resolveHost(resolver, asciiDomain, deadline, options.timeoutMs);
    if (own.addresses.length === 0) return fail(own.error?.code ?? 'NODATA');
    return { records: [{ exchange: asciiDomain, priority: 0, addresses: own.addresses }], nullMx: false, implicitMx: true, warnings: [], error: null };
  }

  const nullRecords = answers.filter((answer) => answer.exchange === '' || answer.exchange === '.');
  const hostRecords = answers.filter((answer) => !nullRecords.includes(answer));
  const warnings: MxWarning[] = [];
  if (nullRecords.length > 0 && hostRecords.length === 0) {
    if (nullRecords.some((record) => record.priority !== 0)) {
      warnings.push({ kind: 'null-mx-priority', message: 'The null MX should have preference 0 (RFC 7505).' });
    }
    return { records: [], nullMx: true, implicitMx: false, warnings, error: null };
  }
  if (nullRecords.length > 0) {
    warnings.push({ kind: 'null-mx-mixed', message: 'A null MX ("MX 0 .") is published next to other MX records; RFC 7505 says it must stand alone. Senders will use the other records.' });
  }

  const sorted = hostRecords
    .map((answer) => ({ exchange: normalizeHost(answer.exchange), priority: answer.priority }))
    .sort((left, right) => left.priority - right.priority || left.exchange.localeCompare(right.exchange));
  const ipLiterals = new Set(sorted.map((record) => record.exchange).filter(isIpLiteral));
  const records: MxRecord[] = await Promise.all(sorted.map(async (record) => {
    if (ipLiterals.has(record.exchange)) return { ...record, addresses: [] };
    const host = await hostLookup(record.exchange);
    return { ...record, addresses: host.addresses, ...(host.cname ? { cname: host.cname } : {}), ...(host.error ? { addressError: host.error } : {}) };
  }));
  warnings.push(...warningsFor(records, ipLiterals));
  if (deadline.reason) return { ...fail(errorCode(undefined, deadline)), records, warnings };
  return { records, nullMx: false, implicitMx: false, warnings, error: null };
}
