// A real DNS server on loopback (dns2, UDP and TCP on one port) serving a small test zone, a UDP socket that never
// answers and a port where nothing listens. Used by the unit tests, the benchmark and the integration tests inside
// the extension host.
import * as dgram from 'node:dgram';
import dns2 from 'dns2';

/** Response codes (RFC 1035 §4.1.1); dns2 3.0.0 has them at run time but not in its types. */
const RCODE = { SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

const { Packet } = dns2;

export interface ZoneEntry {
  readonly mx?: readonly { readonly exchange: string; readonly priority: number }[];
  readonly a?: readonly string[];
  readonly aaaa?: readonly string[];
  readonly cname?: string;
  /** Answer every query for this name with this response code instead. */
  readonly rcode?: 'SERVFAIL' | 'REFUSED';
  readonly ttl?: number;
  /** Hold answers for this name back this long (a slow authoritative server). */
  readonly delayMs?: number;
  /** Answer with the TC flag set and only the first record, over TCP too: a broken server or middlebox. */
  readonly truncated?: boolean;
}

export type Zone = ReadonlyMap<string, ZoneEntry>;

/** The names of the test zone, by what each one exercises. */
export const TEST_DOMAINS = {
  /** Three MX with preferences 20, 10, 30, served in that (unsorted) order. */
  multi: 'multi.test',
  nullMx: 'nullmx.test',
  /** No MX but an A record: the implicit MX of RFC 5321 §5.1. */
  implicit: 'implicit.test',
  /** A null MX published next to a real MX: contradictory. */
  nullMxMixed: 'nullmix.test',
  /** The MX host is an alias (CNAME) of the real host. */
  mxCname: 'cname-mx.test',
  /** One MX host without any address, one with. */
  mxNoAddress: 'noaddr-mx.test',
  /** The same MX host listed twice. */
  duplicate: 'duplicate.test',
  /** An MX that names an IP address instead of a host. */
  ipLiteral: 'ipliteral.test',
  /** IDN domain: bücher.test, served as its A-label. */
  idnUnicode: 'bücher.test',
  idnAscii: 'xn--bcher-kva.test',
  /** The name exists but has no MX and no address. */
  noData: 'nodata.test',
  nxDomain: 'does-not-exist.test',
  servFail: 'servfail.test',
  refused: 'refused.test',
  /** The MX host has 300 A records: the UDP answer is truncated, the resolver must retry over TCP. */
  big: 'big.test',
  /** The MX answers at once, its host's addresses take 3 s: the overall deadline must cut the lookup. */
  slowHost: 'slow-host.test',
  /** The MX host is 127.0.0.1, for the SMTP probe. */
  probe: 'probe.test',
  /** The MX answer is truncated over UDP and again over TCP, and holds only the first of its three records. */
  truncated: 'truncated.test',
  /** The MX host's A and AAAA answers are truncated over both transports. */
  truncatedHost: 'truncated-host.test',
  /** The domain is an alias of an alias of itself. */
  cnameLoop: 'loop.test',
  /** The MX host is an alias of an alias of itself. */
  mxCnameLoop: 'loop-mx.test',
  /** MANY_MX_COUNT MX hosts h0 … (preference = index), each 127.0.0.1: an answer that must not fan out. */
  manyMx: 'many.test',
} as const;

const BIG_ADDRESS_COUNT = 300;
export const MANY_MX_COUNT = 300;

function buildTestZone(): Map<string, ZoneEntry> {
  const zone = new Map<string, ZoneEntry>([
    ['multi.test', { mx: [{ exchange: 'mx2.multi.test', priority: 20 }, { exchange: 'mx1.multi.test', priority: 10 }, { exchange: 'mx3.multi.test', priority: 30 }] }],
    ['mx1.multi.test', { a: ['192.0.2.1'], aaaa: ['2001:db8::1'], ttl: 600 }],
    ['mx2.multi.test', { a: ['192.0.2.2'] }],
    ['mx3.multi.test', { a: ['192.0.2.3'] }],
    ['nullmx.test', { mx: [{ exchange: '.', priority: 0 }], a: ['192.0.2.9'] }],
    ['implicit.test', { a: ['192.0.2.20'] }],
    ['nullmix.test', { mx: [{ exchange: '.', priority: 0 }, { exchange: 'mx1.multi.test', priority: 10 }] }],
    ['cname-mx.test', { mx: [{ exchange: 'alias.cname-mx.test', priority: 10 }] }],
    ['alias.cname-mx.test', { cname: 'real.cname-mx.test' }],
    ['real.cname-mx.test', { a: ['192.0.2.30'] }],
    ['noaddr-mx.test', { mx: [{ exchange: 'ghost.noaddr-mx.test', priority: 10 }, { exchange: 'mx.noaddr-mx.test', priority: 20 }] }],
    ['mx.noaddr-mx.test', { a: ['192.0.2.40'] }],
    ['duplicate.test', { mx: [{ exchange: 'mx.duplicate.test', priority: 10 }, { exchange: 'MX.duplicate.test', priority: 20 }] }],
    ['mx.duplicate.test', { a: ['192.0.2.45'] }],
    ['ipliteral.test', { mx: [{ exchange: '192.0.2.50', priority: 10 }] }],
    ['xn--bcher-kva.test', { mx: [{ exchange: 'mx.xn--bcher-kva.test', priority: 10 }] }],
    ['mx.xn--bcher-kva.test', { a: ['192.0.2.60'] }],
    ['nodata.test', {}],
    ['servfail.test', { rcode: 'SERVFAIL' }],
    ['refused.test', { rcode: 'REFUSED' }],
    ['big.test', { mx: [{ exchange: 'mx.big.test', priority: 10 }] }],
    ['mx.big.test', { a: Array.from({ length: BIG_ADDRESS_COUNT }, (_, index) => `10.0.${index >> 8}.${index & 255}`) }],
    ['slow-host.test', { mx: [{ exchange: 'mx.slow-host.test', priority: 10 }] }],
    ['mx.slow-host.test', { a: ['192.0.2.70'], delayMs: 3000 }],
    ['probe.test', { mx: [{ exchange: 'smtp.probe.test', priority: 10 }] }],
    ['smtp.probe.test', { a: ['127.0.0.1'] }],
    ['truncated.test', { mx: [{ exchange: 'mx1.multi.test', priority: 10 }, { exchange: 'mx2.multi.test', priority: 20 }, { exchange: 'mx3.multi.test', priority: 30 }], truncated: true }],
    ['truncated-host.test', { mx: [{ exchange: 'mx.truncated-host.test', priority: 10 }] }],
    ['mx.truncated-host.test', { a: ['192.0.2.80', '192.0.2.81'], aaaa: ['2001:db8::80'], truncated: true }],
    ['loop.test', { cname: 'loop2.test' }],
    ['loop2.test', { cname: 'loop.test' }],
    ['loop-mx.test', { mx: [{ exchange: 'mx.loop-mx.test', priority: 10 }] }],
    ['mx.loop-mx.test', { cname: 'alias.loop-mx.test' }],
    ['alias.loop-mx.test', { cname: 'mx.loop-mx.test' }],
    ['many.test', { mx: Array.from({ length: MANY_MX_COUNT }, (_, index) => ({ exchange: `h${index}.many.test`, priority: index })) }],
  ]);
  for (let index = 0; index < MANY_MX_COUNT; index += 1) zone.set(`h${index}.many.test`, { a: ['127.0.0.1'] });
  return zone;
}

export const TEST_ZONE: Zone = buildTestZone();

/** Adds `count` domains d0.bench.test … with MX hosts shared by 50 domains each, for the batch benchmark. */
export function withBenchDomains(zone: Zone, count: number): { zone: Zone; domains: string[] } {
  const result = new Map(zone);
  const domains: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const domain = `d${index}.bench.test`;
    const host = `mx${index % 20}.bench.test`;
    domains.push(domain);
    result.set(domain, { mx: [{ exchange: host, priority: 10 }] });
    result.set(host, { a: [`192.0.2.${100 + (index % 20)}`] });
  }
  return { zone: result, domains };
}

export interface QueryLogEntry {
  readonly name: string;
  readonly type: string;
  readonly transport: 'udp' | 'tcp';
}

export interface RunningDnsServer {
  /** `127.0.0.1:port` or `[::1]:port`, as `smtpDiagnostics.dns.servers` takes it. */
  readonly address: string;
  readonly port: number;
  /** Every query received, in order. */
  readonly queries: QueryLogEntry[];
  /** Most queries received and not yet answered at once (meaningful with a delay). */
  peakPending(): number;
  close(): Promise<void>;
}

const RECORD_TYPES: Readonly<Record<number, string>> = { 1: 'A', 5: 'CNAME', 15: 'MX', 28: 'AAAA' };

/** dns2 types a record with its encoder method; the plain fields are all the packet needs to encode it. */
function record(fields: Omit<dns2.Packet.Resource, 'toBuffer'>): dns2.Packet.Resource {
  return new Packet.Resource(fields);
}

function answer(zone: Zone, request: dns2.Packet): dns2.Packet {
  const response = Packet.createResponseFromRequest(request);
  response.header.aa = 1;
  const [question] = request.questions;
  const name = question.name.toLowerCase().replace(/\.$/, '');
  const entry = zone.get(name);
  if (!entry) {
    response.header.rcode = RCODE.NXDOMAIN;
    return response;
  }
  if (entry.rcode) {
    response.header.rcode = RCODE[entry.rcode];
    return response;
  }
  const base = { name: question.name, class: Packet.CLASS.IN, ttl: entry.ttl ?? 300 };
  let target = entry;
  // Like a recursive resolver, follow the alias chain and add the records of its end; a loop ends the chain.
  const visited = new Set([name]);
  while (target.cname && !visited.has(target.cname)) {
    response.answers.push(record({ ...base, type: Packet.TYPE.CNAME, domain: target.cname }));
    if (question.type === Packet.TYPE.CNAME) return response;
    visited.add(target.cname);
    base.name = target.cname;
    target = zone.get(target.cname) ?? {};
  }
  if (target.cname) response.answers.push(record({ ...base, type: Packet.TYPE.CNAME, domain: target.cname }));
  else if (question.type === Packet.TYPE.MX) {
    for (const { exchange, priority } of target.mx ?? []) response.answers.push(record({ ...base, type: Packet.TYPE.MX, exchange, priority }));
  } else if (question.type === Packet.TYPE.A) {
    for (const address of target.a ?? []) response.answers.push(record({ ...base, type: Packet.TYPE.A, address }));
  } else if (question.type === Packet.TYPE.AAAA) {
    for (const address of target.aaaa ?? []) response.answers.push(record({ ...base, type: Packet.TYPE.AAAA, address }));
  }
  if (entry.truncated) {
    response.header.tc = 1;
    response.answers = response.answers.slice(0, 1);
  }
  return response;
}

/**
 * Starts the DNS server on loopback (`host` 127.0.0.1 or ::1), UDP and TCP on the same free port. `delayMs` holds
 * each answer back, like a network round trip. `tcp: false` leaves TCP closed, like a firewall that lets only UDP
 * through: a truncated answer then cannot be completed.
 */
export async function startDnsServer(zone: Zone = TEST_ZONE, { delayMs = 0, host = '127.0.0.1', tcp: withTcp = true } = {}): Promise<RunningDnsServer> {
  const queries: QueryLogEntry[] = [];
  let pending = 0;
  let peakPending = 0;
  const handler = (transport: 'udp' | 'tcp') => (request: dns2.Packet, send: (response: dns2.Packet) => Promise<Buffer>) => {
    const [question] = request.questions;
    if (!question) return;
    queries.push({ name: question.name, type: RECORD_TYPES[question.type] ?? String(question.type), transport });
    pending += 1;
    peakPending = Math.max(peakPending, pending);
    // Counted down before sending: the client may ask its next question as soon as the answer arrives. dns2's UDP
    // server returns a promise from send, its TCP server nothing.
    const reply = () => {
      pending -= 1;
      Promise.resolve(send(answer(zone, request))).catch(() => undefined);
    };
    const delay = delayMs + (zone.get(question.name.toLowerCase())?.delayMs ?? 0);
    if (delay > 0) setTimeout(reply, delay);
    else reply();
  };
  // UDP takes a free port first; TCP then binds the same number (retried in the rare case it is taken).
  for (let attempt = 0; ; attempt += 1) {
    const ipv6 = host.includes(':');
    const udp = dns2.createUDPServer({ type: ipv6 ? 'udp6' : 'udp4' });
    udp.on('request', handler('udp'));
    await udp.listen(0, host);
    const port = udp.address().port;
    const tcp = dns2.createTCPServer();
    tcp.on('request', handler('tcp'));
    const bound = !withTcp || await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, host, () => resolve(true));
    });
    if (!bound) {
      udp.close();
      if (attempt < 5) continue;
      throw new Error('could not bind UDP and TCP on the same loopback port');
    }
    return {
      address: ipv6 ? `[${host}]:${port}` : `${host}:${port}`,
      port,
      queries,
      peakPending: () => peakPending,
      close: () => Promise.all([
        new Promise<void>((resolve) => udp.close(() => resolve())),
        withTcp ? new Promise<void>((resolve) => tcp.close(() => resolve())) : undefined,
      ]).then(() => undefined),
    };
  }
}

/** A DNS "server" that receives queries and never answers: for timeouts. Returns its `127.0.0.1:port`. */
export async function startSilentDnsServer(): Promise<{ address: string; received: () => number; close(): Promise<void> }> {
  const socket = dgram.createSocket('udp4');
  let received = 0;
  socket.on('message', () => { received += 1; });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${socket.address().port}`,
    received: () => received,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** A loopback DNS server address where nothing listens, UDP or TCP: its port was bound, read, then released. */
export async function closedDnsServer(): Promise<string> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return `127.0.0.1:${port}`;
}
