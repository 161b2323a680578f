// SMTP reachability probe: connect to each MX host, read the greeting, EHLO, note STARTTLS, QUIT. Run only on an
// explicit user action. Every host has a hard time limit; refusals, 554 greetings and silence are results, not throws.
import * as net from 'node:net';
import { DEFAULT_CONCURRENCY, Limiter } from './limiter';
import { lookupMx } from './lookup';
import { assertTimeoutMs } from './timerLimit';
import { withoutControls } from '../text';
import { DEFAULT_PROBE_OPTIONS, DnsOptions, HostProbe, MxRecord, ProbeOptions, ProbeOutcome, ProbeResult, SmtpReply } from './types';

/** Longest line and reply we keep: banners are data from strangers, never an unbounded buffer. */
const MAX_LINE = 1000;
const MAX_BUFFER = 64 * 1024;
const MAX_REPLY_LINES = 100;

export interface ProbeTarget {
  readonly exchange: string;
  readonly priority: number;
  readonly address: string | null;
}

type Stage = 'connect' | 'greeting' | 'ehlo' | 'quit';

/** The EHLO argument: our own address as an RFC 5321 address literal, so no local host name leaks out. */
function ehloName(socket: net.Socket): string {
  const local = socket.localAddress ?? '127.0.0.1';
  return net.isIPv6(local) ? `[IPv6:${local}]` : `[${local}]`;
}

function printable(text: string): string {
  return withoutControls(text).slice(0, MAX_LINE);
}

/**
 * Probes one host; resolves within `options.timeoutMs` with what happened. Rejects, before connecting, only when
 * the timeout cannot be set (not 1 to 2^31−1 ms).
 */
export async function probeHost(target: ProbeTarget, options: ProbeOptions = DEFAULT_PROBE_OPTIONS, signal?: AbortSignal): Promise<HostProbe> {
  assertTimeoutMs(options.timeoutMs, 'The SMTP timeout');
  const started = Date.now();
  const { exchange, priority, address } = target;
  const { port, timeoutMs } = options;
  const base = { exchange, priority, address, port };
  if (address === null) {
    return { ...base, outcome: 'no-address', message: `${exchange} has no address to connect to.`, starttls: false, durationMs: 0 };
  }
  const where = `${exchange} (${net.isIPv6(address) ? `[${address}]` : address}:${port})`;
  return new Promise((resolve) => {
    let stage: Stage = 'connect';
    let buffer = '';
    let replyLines: string[] = [];
    let greeting: SmtpReply | undefined;
    let ehlo: SmtpReply | undefined;
    let quit: SmtpReply | undefined;
    let done = false;
    const socket = net.connect({ host: address, port });
    socket.setEncoding('utf8');

    const conclusion = (): [ProbeOutcome, string] => {
      if (!greeting) return ['protocol-error', `${where} closed the connection without a greeting.`];
      if (greeting.code !== 220) {
        const when = greeting.code >= 500 ? 'permanently' : 'for now';
        return ['rejecting', `${where} greets with ${greeting.code}: it refuses this client ${when}.`];
      }
      if (!ehlo) return ['protocol-error', `${where} greets with 220 but closed the connection before answering EHLO.`];
      const tls = starttls() ? 'STARTTLS offered' : 'STARTTLS not offered';
      return ['accepting', `${where} greets with 220, answers EHLO with ${ehlo.code}; ${tls}.`];
    };
    const starttls = (): boolean => ehlo?.code === 250 && ehlo.lines.slice(1).some((line) => /^STARTTLS\b/i.test(line.trim()));
    const finish = (outcome: ProbeOutcome, message: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve({ ...base, outcome, message, greeting, ehlo, starttls: starttls(), quit, durationMs: Date.now() - started });
    };
    const timer = setTimeout(() => {
      if (stage === 'quit') return finish(...conclusion());
      const messages: Record<Exclude<Stage, 'quit'>, string> = {
        connect: `No connection to ${where} within ${timeoutMs} ms: the port may be blocked on your network, or the host is down.`,
        greeting: `Connected to ${where}, but no greeting within ${timeoutMs} ms: a server that never speaks, or a slow tarpit.`,
        ehlo: `${where} did not answer EHLO within ${timeoutMs} ms.`,
      };
      finish('timeout', messages[stage]);
    }, timeoutMs);
    const onAbort = () => finish('cancelled', `The probe of ${where} was cancelled.`);
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort);

    const send = (command: string, next: Stage): void => {
      stage = next;
      socket.write(`${command}\r\n`);
    };
    const onReply = (reply: SmtpReply): void => {
      if (stage === 'greeting') {
        greeting = reply;
        // After a refusal the polite client still says QUIT (RFC 5321 §3.1).
        if (reply.code === 220) send(`EHLO ${ehloName(socket)}`, 'ehlo');
        else send('QUIT', 'quit');
      } else if (stage === 'ehlo') {
        ehlo = reply;
        send('QUIT', 'quit');
      } else if (stage === 'quit') {
        quit = reply;
        finish(...conclusion());
      }
    };
    const onLine = (line: string): void => {
      const match = /^(\d{3})([ -]?)(.*)$/.exec(line);
      if (!match) return finish('protocol-error', `${where} sent something that is not an SMTP reply: "${printable(line).slice(0, 80)}"`);
      replyLines.push(printable(match[3]));
      if (replyLines.length > MAX_REPLY_LINES) return finish('protocol-error', `${where} sent a reply of more than ${MAX_REPLY_LINES} lines.`);
      if (match[2] === '-') return;
      const reply = { code: Number(match[1]), lines: replyLines };
      replyLines = [];
      onReply(reply);
    };

    socket.on('connect', () => { stage = 'greeting'; });
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > MAX_BUFFER) return finish('protocol-error', `${where} sent more than ${MAX_BUFFER} bytes without a complete reply.`);
      let end: number;
      while (!done && (end = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, end).replace(/\r$/, '');
        buffer = buffer.slice(end + 1);
        onLine(line);
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (stage === 'quit' || (stage === 'ehlo' && greeting)) return finish(...conclusion());
      if (error.code === 'ECONNREFUSED') return finish('refused', `Connection to ${where} refused: no mail server listens on port ${port}.`);
      if (stage === 'connect') return finish('unreachable', `Cannot reach ${where}: ${error.code ?? error.message}.`);
      finish('protocol-error', `The connection to ${where} failed: ${error.code ?? error.message}.`);
    });
    socket.on('close', () => {
      if (stage === 'connect') return finish('unreachable', `Cannot reach ${where}.`);
      finish(...conclusion());
    });
  });
}

/** Address to probe for an MX host: the first IPv4 address, else the first IPv6 address. */
function targetOf(record: MxRecord): ProbeTarget {
  const chosen = record.addresses.find((entry) => entry.family === 4) ?? record.addresses[0];
  return { exchange: record.exchange, priority: record.priority, address: chosen?.address ?? null };
}

/** One target per distinct MX host that was looked up, in preference order. */
export function probeTargets(records: readonly MxRecord[]): ProbeTarget[] {
  const seen = new Set<string>();
  return records.filter((record) => !record.notLookedUp && !seen.has(record.exchange) && seen.add(record.exchange)).map(targetOf);
}

export interface ProbeContext {
  readonly signal?: AbortSignal;
  /** Most sockets open at once, DNS and SMTP alike (default DEFAULT_CONCURRENCY). */
  readonly concurrency?: number;
}

/**
 * Looks up the MX hosts of a domain and probes each one it looked up (at most MAX_RESOLVED_MX_HOSTS), with at most
 * `concurrency` connections or DNS exchanges open at once. Rejects, before any network use, on a bad SMTP timeout.
 */
export async function probeDomain(input: string, dns: DnsOptions, options: ProbeOptions = DEFAULT_PROBE_OPTIONS, context: ProbeContext = {}): Promise<ProbeResult> {
  assertTimeoutMs(options.timeoutMs, 'The SMTP timeout');
  const { signal } = context;
  const limiter = new Limiter(context.concurrency ?? DEFAULT_CONCURRENCY);
  const mx = await lookupMx(input, dns, { signal, limiter });
  // No signal for the limiter: a probe started after a cancel returns 'cancelled' at once, without connecting.
  const hosts = await Promise.all(probeTargets(mx.records).map((target) => limiter.run(() => probeHost(target, options, signal))));
  return { domain: mx.domain, asciiDomain: mx.asciiDomain, mx, hosts };
}
