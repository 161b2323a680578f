// Asks one question of the DNS servers the way a stub resolver does (RFC 1035 §4.2, RFC 7766): over UDP, again
// over TCP when the answer is truncated, each server in turn for `tries` rounds. Raw sockets rather than node:dns,
// because c-ares hides what a diagnosis needs: a TCP answer that is still truncated, the alias chain, and whether a
// server did not answer at all or answered REFUSED. Each exchange holds one limiter slot while its socket is open.
import { randomInt } from 'node:crypto';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import type { DnsEndpoint } from './dnsServers';
import { decodeResponse, DnsResponse, encodeQuery, encodeTcpQuery, RCODE } from './dnsWire';
import type { Limiter } from './limiter';

export interface QueryPlan {
  readonly servers: readonly DnsEndpoint[];
  readonly tries: number;
  /** Longest wait for one answer: the UDP exchange and its TCP retry each get this much. */
  readonly perTryMs: number;
  readonly limiter: Limiter;
  /** Ends every exchange of the lookup at once: its deadline or the user's cancel. */
  readonly signal: AbortSignal;
}

/** Why no server gave a usable answer; `detail` says what happened, server by server. */
export class DnsQueryFailure extends Error {
  constructor(readonly code: 'TIMEOUT' | 'NO_ANSWER' | 'TRUNCATED' | 'ERROR' | 'CANCELLED', readonly detail: string) {
    super(detail);
  }
}

type Failure = { readonly kind: 'timeout' | 'unreachable' | 'truncated' | 'malformed'; readonly detail: string };
type Exchange = { readonly kind: 'answer'; readonly response: DnsResponse } | Failure;

interface Expected {
  readonly id: number;
  readonly name: string;
  readonly type: number;
}

/** One question, encoded once for each transport. */
interface Query {
  readonly udp: Buffer;
  readonly tcp: Buffer;
}

const UNREACHABLE: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'nothing listens there (connection refused)',
  EHOSTUNREACH: 'the host is unreachable (EHOSTUNREACH)',
  ENETUNREACH: 'the network is unreachable (ENETUNREACH)',
};

function unreachable(error: NodeJS.ErrnoException): Failure {
  return { kind: 'unreachable', detail: UNREACHABLE[error.code ?? ''] ?? `the connection failed (${error.code ?? error.message})` };
}

/** The exchange `message` completes, or undefined for a datagram that is not the answer to our question. */
function answerIn(message: Buffer, expected: Expected): Exchange | undefined {
  if (message.length < 2 || message.readUInt16BE(0) !== expected.id) return undefined;
  let response: DnsResponse;
  try {
    response = decodeResponse(message);
  } catch (error) {
    return { kind: 'malformed', detail: `its answer cannot be read (${(error as Error).message})` };
  }
  const { question } = response;
  // A server may leave the question out of an error answer; otherwise it must be ours.
  const ours = question ? question.name === expected.name && question.type === expected.type : response.rcode !== RCODE.NOERROR;
  return response.isResponse && ours ? { kind: 'answer', response } : undefined;
}

/**
 * One socket exchange: `open` creates the socket, wires it to call `settle` once, and returns how to close it. The
 * timer and the signal settle it too; an abort rejects.
 */
function exchange(timeoutMs: number, signal: AbortSignal, open: (settle: (result: Exchange) => void) => () => void): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let close = (): void => undefined;
    const settle = (result?: Exchange): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      close();
      if (result) resolve(result);
      else reject(new DnsQueryFailure('CANCELLED', 'cancelled'));
    };
    const onAbort = () => settle();
    const timer = setTimeout(() => settle({ kind: 'timeout', detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
    // An abort from another promise's continuation can land between taking the slot and here: then open nothing.
    if (signal.aborted) return settle();
    signal.addEventListener('abort', onAbort);
    // Sockets report errors asynchronously, so nothing settles before `close` is set.
    close = open(settle);
  });
}

function askUdp(server: DnsEndpoint, query: Query, expected: Expected, plan: QueryPlan): Promise<Exchange> {
  return exchange(plan.perTryMs, plan.signal, (settle) => {
    const socket = dgram.createSocket(net.isIPv6(server.host) ? 'udp6' : 'udp4');
    // Connected, so an ICMP "port unreachable" comes back as ECONNREFUSED instead of silence.
    socket.on('error', (error) => settle(unreachable(error)));
    socket.on('message', (message) => {
      const result = answerIn(message, expected);
      if (result) settle(result);
    });
    socket.connect(server.port, server.host, () => socket.send(query.udp));
    return () => socket.close();
  });
}

function askTcp(server: DnsEndpoint, query: Query, expected: Expected, plan: QueryPlan): Promise<Exchange> {
  return exchange(plan.perTryMs, plan.signal, (settle) => {
    const socket = net.connect({ host: server.host, port: server.port });
    let received = Buffer.alloc(0);
    socket.on('error', (error) => settle(unreachable(error)));
    socket.on('connect', () => socket.write(query.tcp));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      // RFC 1035 §4.2.2: a two-byte length, then the message; one message is all we read.
      if (received.length < 2 || received.length < 2 + received.readUInt16BE(0)) return;
      const message = received.subarray(2, 2 + received.readUInt16BE(0));
      settle(answerIn(message, expected) ?? { kind: 'malformed', detail: 'its TCP answer is not for our question' });
    });
    socket.on('close', () => settle({ kind: 'unreachable', detail: 'it closed the TCP connection without answering' }));
    return () => socket.destroy();
  });
}

/** Asks one server: UDP first, TCP when the UDP answer is truncated. A TCP answer must be complete. */
async function askServer(server: DnsEndpoint, query: Query, expected: Expected, plan: QueryPlan): Promise<Exchange> {
  const udp = await askUdp(server, query, expected, plan);
  if (udp.kind !== 'answer' || !udp.response.truncated) return udp;
  const tcp = await askTcp(server, query, expected, plan);
  if (tcp.kind === 'answer' && !tcp.response.truncated) return tcp;
  return { kind: 'truncated', detail: tcp.kind === 'answer' ? 'over UDP, and over TCP too' : `over UDP, and the retry over TCP got no answer: ${tcp.detail}` };
}

function failureOf(failures: ReadonlyMap<DnsEndpoint, Failure>): DnsQueryFailure {
  const entries = [...failures.entries()];
  const detail = entries.length === 1 ? entries[0][1].detail : entries.map(([server, failure]) => `${server.server}: ${failure.detail}`).join('; ');
  const kinds = new Set(entries.map(([, failure]) => failure.kind));
  if (kinds.has('truncated')) return new DnsQueryFailure('TRUNCATED', detail);
  if (kinds.has('malformed')) return new DnsQueryFailure('ERROR', detail);
  return new DnsQueryFailure(kinds.has('timeout') ? 'TIMEOUT' : 'NO_ANSWER', detail);
}

/**
 * Asks `name` (A-labels) for records of `type`. Returns the first answer that is NOERROR or NXDOMAIN, else the last
 * other answer (SERVFAIL, REFUSED, ...); throws DnsQueryFailure when no server answered usably, MalformedMessage
 * when the name cannot be asked.
 */
export async function queryDns(name: string, type: number, plan: QueryPlan): Promise<DnsResponse> {
  const expected = { id: randomInt(0x10000), name, type };
  const query = { udp: encodeQuery(expected.id, name, type), tcp: encodeTcpQuery(expected.id, name, type) };
  const failures = new Map<DnsEndpoint, Failure>();
  let errorAnswer: DnsResponse | undefined;
  // Only silence is worth asking again: a closed port or a truncating server stays so within one lookup. Once no
  // server is worth asking, the rounds end (a huge --tries spun for 39 s).
  const worthAsking = (server: DnsEndpoint) => {
    const kind = failures.get(server)?.kind;
    return kind === undefined || kind === 'timeout';
  };
  for (let round = 0; round < plan.tries && plan.servers.some(worthAsking); round += 1) {
    for (const server of plan.servers) {
      if (!worthAsking(server)) continue;
      const result = await plan.limiter.run(() => askServer(server, query, expected, plan), plan.signal);
      if (result.kind !== 'answer') {
        failures.set(server, result);
        continue;
      }
      if (result.response.rcode === RCODE.NOERROR || result.response.rcode === RCODE.NXDOMAIN) return result.response;
      // Another server, or another round, may do better than SERVFAIL or REFUSED.
      failures.delete(server);
      errorAnswer = result.response;
    }
  }
  if (errorAnswer) return errorAnswer;
  throw failureOf(failures);
}
