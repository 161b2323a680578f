// MX lookup over our own stub resolver (dnsClient.ts; never a shell `dig`): records sorted by preference, the
// most preferred MAX_RESOLVED_MX_HOSTS hosts resolved to A/AAAA with TTLs, null MX (RFC 7505), implicit MX
// (RFC 5321 §5.1), alias loops, truncated answers, silent servers and the usual misconfigurations, each named for
// what it is.
import { getServers } from 'node:dns';
import { setMaxListeners } from 'node:events';
import { isIP } from 'node:net';
import { DnsQueryFailure, QueryPlan, queryDns } from './dnsClient';
import { DnsEndpoint, parseDnsEndpoints } from './dnsServers';
import { AnswerRecord, DnsResponse, MalformedMessage, RCODE, RECORD_TYPE } from './dnsWire';
import { parseDomain } from './domainName';
import { DEFAULT_CONCURRENCY, Limiter } from './limiter';
import { timeoutProblem } from './timerLimit';
import { DEFAULT_DNS_OPTIONS, DnsError, DnsErrorCode, DnsOptions, HostAddress, MxRecord, MxResult, MxWarning } from './types';

/**
 * The most MX hosts of one domain whose addresses are looked up (and which are probed). An answer can list
 * thousands; senders try only the first few (Postfix and Exim stop after 5 addresses), and each host costs two
 * queries, so a domain costs at most 2 + 2 × 20 queries per round of tries, whatever its answer holds.
 */
export const MAX_RESOLVED_MX_HOSTS = 20;

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
  /** Sockets open at once, shared with the rest of a run; default: DEFAULT_CONCURRENCY for this lookup alone. */
  readonly limiter?: Limiter;
}

/** Holds a lookup to `timeoutMs` overall and to the caller's abort signal; its signal ends the lookup's exchanges. */
class Deadline {
  reason: 'timeout' | 'cancelled' | undefined;
  private readonly controller = new AbortController();
  readonly signal = this.controller.signal;
  private readonly timer: NodeJS.Timeout;
  private readonly onAbort = () => this.stop('cancelled');

  constructor(timeoutMs: number, private readonly callerSignal?: AbortSignal) {
    // Every query of the lookup listens, in flight or queued for a socket: two per resolved MX host at most.
    setMaxListeners(2 * MAX_RESOLVED_MX_HOSTS + 1, this.signal);
    this.timer = setTimeout(() => this.stop('timeout'), timeoutMs);
    callerSignal?.addEventListener('abort', this.onAbort);
  }

  private stop(reason: 'timeout' | 'cancelled'): void {
    this.reason ??= reason;
    this.controller.abort();
  }

  clear(): void {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener('abort', this.onAbort);
  }
}

/** What a message about a failed lookup needs besides the name. */
export interface DnsErrorContext {
  readonly timeoutMs: number;
  /** The servers asked, as written; empty when none was asked yet. */
  readonly servers: readonly string[];
  readonly detail?: string;
}

function serverPhrase(servers: readonly string[]): string {
  if (servers.length === 0) return 'the DNS server';
  return servers.length === 1 ? `DNS server ${servers[0]}` : `DNS servers ${servers.join(', ')}`;
}

/** The plain-language sentence for an outcome; `name` is the domain or host it is about. */
export function describeDnsError(code: DnsErrorCode, name: string, { timeoutMs, servers, detail = '' }: DnsErrorContext): string {
  const from = serverPhrase(servers);
  switch (code) {
    case 'NXDOMAIN': return `${name} does not exist (NXDOMAIN): nothing can be delivered to it. Check for a typo or an expired domain.`;
    case 'NODATA': return `${name} exists but has no MX and no A/AAAA record (NODATA): there is no host to deliver mail to.`;
    case 'SERVFAIL': return `The DNS servers for ${name} failed to answer (SERVFAIL): often broken DNSSEC or unreachable name servers; usually temporary.`;
    case 'REFUSED': return `The DNS server refused the query for ${name} (REFUSED): it may not answer for this name or for you; try another DNS server.`;
    case 'TIMEOUT': return `No answer from ${from} for ${name} within ${timeoutMs} ms (timeout): the server is unreachable or too slow, or a firewall drops DNS.`;
    case 'NO_ANSWER': return `No answer from ${from} for ${name}: ${detail}. Check the server's address and port.`;
    case 'TRUNCATED': return `The answer for ${name} from ${from} was truncated ${detail}. The records it holds are incomplete, so none are used: something on the way cuts DNS answers short or blocks DNS over TCP; try another DNS server.`;
    case 'CNAME_LOOP': return `${name} is an alias whose chain leads back to itself (CNAME loop: ${detail}): there are no records behind it.`;
    case 'MALFORMED': return `"${name}" is not a valid domain name${detail ? `: ${detail}` : ''}.`;
    case 'CANCELLED': return `The lookup of ${name} was cancelled.`;
    case 'ERROR': return `The lookup of ${name} failed${detail ? `: ${detail}` : ''}.`;
  }
}

interface Session {
  readonly plan: QueryPlan;
  readonly deadline: Deadline;
  readonly about: DnsErrorContext;
}

type Failure = { readonly code: DnsErrorCode; readonly detail: string };
/** The records of the asked type at the end of the name's alias chain, and the first alias; or why there are none. */
type Answer = { readonly records: readonly AnswerRecord[]; readonly alias?: string } | { readonly failure: Failure };

function dnsError(session: Session, { code, detail }: Failure, name: string): DnsError {
  return { code, message: describeDnsError(code, name, { ...session.about, detail }) };
}

function failureOf(error: unknown, deadline: Deadline): Failure {
  // Only the deadline aborts exchanges; whatever they threw then, it names why.
  if (deadline.reason) return { code: deadline.reason === 'cancelled' ? 'CANCELLED' : 'TIMEOUT', detail: '' };
  if (error instanceof DnsQueryFailure) return { code: error.code, detail: error.detail };
  if (error instanceof MalformedMessage) return { code: 'MALFORMED', detail: error.message };
  return { code: 'ERROR', detail: String(error) };
}

const CODE_BY_RCODE: Readonly<Record<number, DnsErrorCode>> = {
  [RCODE.FORMERR]: 'MALFORMED',
  [RCODE.SERVFAIL]: 'SERVFAIL',
  [RCODE.NXDOMAIN]: 'NXDOMAIN',
  [RCODE.REFUSED]: 'REFUSED',
};

/** The names from `name` along its CNAME records in `response`; `loops` when a name comes back. */
function aliasChain(response: DnsResponse, name: string): { names: string[]; loops: boolean } {
  const names = [name];
  for (;;) {
    const current = names[names.length - 1];
    const alias = response.answers.find((record) => record.type === RECORD_TYPE.CNAME && record.name === current);
    if (alias?.type !== RECORD_TYPE.CNAME) return { names, loops: false };
    const loops = names.includes(alias.target);
    names.push(alias.target);
    if (loops) return { names, loops };
  }
}

async function ask(session: Session, name: string, type: number): Promise<Answer> {
  let response: DnsResponse;
  try {
    response = await queryDns(name, type, session.plan);
  } catch (error) {
    return { failure: failureOf(error, session.deadline) };
  }
  const chain = aliasChain(response, name);
  if (chain.loops) return { failure: { code: 'CNAME_LOOP', detail: chain.names.join(' → ') } };
  if (response.rcode !== RCODE.NOERROR) {
    return { failure: { code: CODE_BY_RCODE[response.rcode] ?? 'ERROR', detail: `the server answered with response code ${response.rcode}` } };
  }
  const end = chain.names[chain.names.length - 1];
  return { records: response.answers.filter((record) => record.type === type && record.name === end), alias: chain.names[1] };
}

function isIpLiteral(exchange: string): boolean {
  return isIP(exchange.replace(/^\[|\]$/g, '')) !== 0;
}

async function resolveHost(session: Session, host: string): Promise<HostLookup> {
  const [v4, v6] = await Promise.all([ask(session, host, RECORD_TYPE.A), ask(session, host, RECORD_TYPE.AAAA)]);
  const addresses = [v4, v6].flatMap((answer) => ('records' in answer ? answer.records : [])).flatMap((record): HostAddress[] => {
    if (record.type === RECORD_TYPE.A) return [{ address: record.address, family: 4, ttl: record.ttl }];
    return record.type === RECORD_TYPE.AAAA ? [{ address: record.address, family: 6, ttl: record.ttl }] : [];
  });
  const alias = [v4, v6].map((answer) => ('alias' in answer ? answer.alias : undefined)).find((name) => name !== undefined);
  const cname = alias ? { cname: alias } : {};
  if (addresses.length > 0) return { addresses, ...cname };
  // No address: say why. A missing name outranks "no records", and any real failure outranks both.
  const failures = [v4, v6].map((answer): Failure => ('failure' in answer ? answer.failure : { code: 'NODATA', detail: '' }));
  const failure = failures.find(({ code }) => code !== 'NXDOMAIN' && code !== 'NODATA') ?? failures.find(({ code }) => code === 'NXDOMAIN') ?? failures[0];
  return { addresses, ...cname, error: dnsError(session, failure, host) };
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
    if (!ipLiterals.has(exchange) && !record.notLookedUp && record.addresses.length === 0) {
      warnings.push({ kind: 'mx-no-address', exchange, message: `${exchange} has no A or AAAA address: ${record.addressError?.message ?? 'it cannot be reached.'}` });
    }
  }
  const lookedUp = records.filter((record) => !record.notLookedUp);
  if (lookedUp.length > 0 && lookedUp.every((record) => record.addresses.length === 0)) {
    warnings.push({ kind: 'no-usable-mx', message: 'No MX host has an address: mail to this domain cannot be delivered.' });
  }
  return warnings;
}

/**
 * Looks up the MX records of a domain (or of the domain of an address) and resolves its most preferred MX hosts.
 * Never throws: every failure is a result with `error` set, and nothing takes longer than `options.timeoutMs`.
 */
export async function lookupMx(input: string, options: DnsOptions = DEFAULT_DNS_OPTIONS, context: LookupContext = {}): Promise<MxResult> {
  const started = Date.now();
  const empty = { records: [], nullMx: false, implicitMx: false, warnings: [] };
  const parsed = parseDomain(input);
  const about = { timeoutMs: options.timeoutMs, servers: options.servers };
  if (!parsed.ok) {
    const name = input.trim();
    return { domain: name, asciiDomain: '', ...empty, error: { code: 'MALFORMED', message: describeDnsError('MALFORMED', name, { ...about, detail: parsed.reason }) }, durationMs: 0 };
  }
  const { domain, asciiDomain } = parsed;
  const refuse = (code: DnsErrorCode, message: string): MxResult => ({ domain, asciiDomain, ...empty, error: { code, message }, durationMs: 0 });
  if (context.signal?.aborted) return refuse('CANCELLED', describeDnsError('CANCELLED', asciiDomain, about));
  const problem = timeoutProblem(options.timeoutMs);
  if (problem) return refuse('ERROR', `The DNS timeout ${options.timeoutMs} ${problem}.`);
  let servers: DnsEndpoint[];
  try {
    servers = dnsEndpoints(options);
  } catch (error) {
    return refuse('ERROR', (error as Error).message);
  }
  const deadline = new Deadline(options.timeoutMs, context.signal);
  const tries = Math.max(1, Math.floor(options.tries) || 1);
  const session: Session = {
    // Each try gets an equal share of the overall budget; the Deadline enforces the budget itself.
    plan: { servers, tries, perTryMs: Math.max(50, Math.floor(options.timeoutMs / tries)), limiter: context.limiter ?? new Limiter(DEFAULT_CONCURRENCY), signal: deadline.signal },
    deadline,
    about: { timeoutMs: options.timeoutMs, servers: servers.map((server) => server.server) },
  };
  try {
    const result = await lookupWith(session, asciiDomain, context.hostCache ?? new Map());
    return { domain, asciiDomain, ...result, durationMs: Date.now() - started };
  } finally {
    deadline.clear();
  }
}

/** The configured servers, else the system's (as node:dns read them from resolv.conf or the registry). */
function dnsEndpoints(options: DnsOptions): DnsEndpoint[] {
  const configured = options.servers.length > 0;
  const parsed = parseDnsEndpoints(configured ? options.servers : getServers());
  if (!parsed.ok) throw new Error(configured ? `Invalid DNS server: ${parsed.reason}.` : `The system's DNS servers cannot be used: ${parsed.reason}.`);
  if (parsed.endpoints.length === 0) throw new Error('No DNS server is configured on this system: name one to ask.');
  return parsed.endpoints;
}

type LookupBody = Omit<MxResult, 'domain' | 'asciiDomain' | 'durationMs'>;

async function lookupWith(session: Session, asciiDomain: string, hostCache: Map<string, Promise<HostLookup>>): Promise<LookupBody> {
  const failWith = (error: DnsError): LookupBody => ({ records: [], nullMx: false, implicitMx: false, warnings: [], error });
  const fail = (failure: Failure): LookupBody => failWith(dnsError(session, failure, asciiDomain));
  // Each distinct host is asked once per lookup, and once per run when the cache is shared.
  const hostLookup = (host: string): Promise<HostLookup> => {
    const cached = hostCache.get(host);
    if (cached) return cached;
    const pending = resolveHost(session, host);
    hostCache.set(host, pending);
    // Keep only definite answers: a timeout of one domain's lookup must not become another's.
    void pending.then((found) => { if (found.error?.code === 'TIMEOUT' || found.error?.code === 'CANCELLED') hostCache.delete(host); });
    return pending;
  };

  const mx = await ask(session, asciiDomain, RECORD_TYPE.MX);
  if ('failure' in mx) return fail(mx.failure);
  const answers = mx.records.flatMap((record) => (record.type === RECORD_TYPE.MX ? [{ exchange: record.exchange, priority: record.priority }] : []));

  if (answers.length === 0) {
    // RFC 5321 §5.1: without MX records the domain's own address is the mail host.
    const own = await resolveHost(session, asciiDomain);
    if (own.addresses.length === 0) return own.error ? failWith(own.error) : fail({ code: 'NODATA', detail: '' });
    return { records: [{ exchange: asciiDomain, priority: 0, addresses: own.addresses }], nullMx: false, implicitMx: true, warnings: [], error: null };
  }

  const nullRecords = answers.filter((answer) => answer.exchange === '');
  const hostRecords = answers.filter((answer) => answer.exchange !== '');
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

  // Names come from dnsWire in lower case without the trailing dot, so equal hosts compare equal.
  const sorted = hostRecords.sort((left, right) => left.priority - right.priority || left.exchange.localeCompare(right.exchange));
  const ipLiterals = new Set(sorted.map((record) => record.exchange).filter(isIpLiteral));
  const hosts = [...new Set(sorted.map((record) => record.exchange).filter((exchange) => !ipLiterals.has(exchange)))];
  const resolved = new Set(hosts.slice(0, MAX_RESOLVED_MX_HOSTS));
  if (hosts.length > resolved.size) {
    warnings.push({ kind: 'many-mx', message: `${asciiDomain} lists ${hosts.length} MX hosts; only the ${resolved.size} most preferred were looked up (and tested). Senders try only the first few.` });
  }
  const records: MxRecord[] = await Promise.all(sorted.map(async (record): Promise<MxRecord> => {
    if (ipLiterals.has(record.exchange)) return { ...record, addresses: [] };
    if (!resolved.has(record.exchange)) return { ...record, addresses: [], notLookedUp: true };
    const host = await hostLookup(record.exchange);
    return { ...record, addresses: host.addresses, ...(host.cname ? { cname: host.cname } : {}), ...(host.error ? { addressError: host.error } : {}) };
  }));
  warnings.push(...warningsFor(records, ipLiterals));
  if (session.deadline.reason) return { ...fail(failureOf(undefined, session.deadline)), records, warnings };
  return { records, nullMx: false, implicitMx: false, warnings, error: null };
}
