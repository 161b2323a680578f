// `smtp-diag mx`: MX records of one or more domains, as text or JSON.
import { parseArgs } from 'node:util';
import { escapeUnsafe } from '../core/bounce/safeText';
import { CliCommand, CliIo, EXIT } from './io';
import {
  checkDomains, DEFAULT_CONCURRENCY, DEFAULT_DNS_OPTIONS, DnsOptions, MAX_CONCURRENCY, MAX_RESOLVED_MX_HOSTS, MxResult, mxStatus, parseDnsServers, timeoutProblem,
  withoutControls,
} from '../core/mx';

const USAGE = `Usage: smtp-diag mx [--server ip[:port]]... [--timeout ms] [--tries n] [--concurrency n] [--json] <domain|address>...

Looks up the MX records of each domain (an address stands for its domain), resolves the MX hosts (the
${MAX_RESOLVED_MX_HOSTS} most preferred) to their IPv4/IPv6 addresses and reports null MX, implicit MX and misconfigurations.
  --server       DNS server to ask: ip, ip:port or [ipv6]:port; repeat for several (default: the system's)
  --timeout      longest time per domain in ms, retries included (default ${DEFAULT_DNS_OPTIONS.timeoutMs})
  --tries        attempts per DNS query, 1-10 (default ${DEFAULT_DNS_OPTIONS.tries})
  --concurrency  most DNS queries (and, for probe, connections) in flight at once, 1-${MAX_CONCURRENCY} (default ${DEFAULT_CONCURRENCY})
  --json         print a JSON array of results
Exit code: 0 when every domain was answered, 1 when a lookup failed (NXDOMAIN, timeout, ...), 2 on bad usage.`;

/** The DNS flags `mx` and `probe` share. */
export const DNS_FLAGS = {
  server: { type: 'string', multiple: true },
  timeout: { type: 'string' },
  tries: { type: 'string' },
  concurrency: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** A flag of a whole number from 1 to `max`, or `fallback` when it is not given; throws with a usage message. */
export function wholeNumberFlag(text: string | undefined, name: string, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`--${name} must be 1-${max}, not "${text}"`);
  return value;
}

/** A timeout flag in ms; throws with a usage message unless it is 1 to 2^31−1, the range Node's timers hold. */
export function timeoutFlag(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const problem = timeoutProblem(Number(text));
  if (problem) throw new Error(`--${name} "${text}" ${problem}`);
  return Number(text);
}

/** `--tries` goes to 10, as the setting smtpDiagnostics.dns.tries does. */
const MAX_TRIES = 10;

/** DNS options from `--server`, `--timeout` and `--tries`; throws with a usage message on bad values. */
export function dnsOptionsFromFlags(values: { server?: string[]; timeout?: string; tries?: string }): DnsOptions {
  const servers = parseDnsServers(values.server ?? []);
  if (!servers.ok) throw new Error(`--server: ${servers.reason}`);
  return {
    servers: servers.servers,
    timeoutMs: timeoutFlag(values.timeout, 'timeout', DEFAULT_DNS_OPTIONS.timeoutMs),
    tries: wholeNumberFlag(values.tries, 'tries', DEFAULT_DNS_OPTIONS.tries, MAX_TRIES),
  };
}

/** `--concurrency`: 1 to MAX_CONCURRENCY, as the setting smtpDiagnostics.dns.concurrency allows. */
export function concurrencyFromFlags(values: { concurrency?: string }): number {
  return wholeNumberFlag(values.concurrency, 'concurrency', DEFAULT_CONCURRENCY, MAX_CONCURRENCY);
}

/** Plain-text lines for one lookup; names from DNS have control characters replaced. */
export function mxText(result: MxResult): string[] {
  const idn = result.asciiDomain !== '' && result.asciiDomain !== result.domain ? ` (${result.asciiDomain})` : '';
  const lines = [`${withoutControls(result.domain)}${idn}: ${mxStatus(result)}`];
  if (result.error) lines.push(`  ${withoutControls(result.error.message)}`);
  for (const record of result.records) {
    const addresses = record.notLookedUp ? 'not looked up' : record.addresses.map((entry) => `${entry.address} (TTL ${entry.ttl} s)`).join(', ') || 'no address';
    const alias = record.cname ? ` -> ${record.cname}` : '';
    lines.push(`  ${String(record.priority).padStart(5)}  ${withoutControls(record.exchange + alias)}  ${addresses}`);
  }
  for (const warning of result.warnings) lines.push(`  warning: ${withoutControls(warning.message)}`);
  return lines;
}

export const mxCommand: CliCommand = {
  name: 'mx',
  usage: USAGE,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    let parsed;
    let dns: DnsOptions;
    let concurrency: number;
    try {
      parsed = parseArgs({ args: [...args], options: DNS_FLAGS, allowPositionals: true, strict: true });
      dns = dnsOptionsFromFlags(parsed.values);
      concurrency = concurrencyFromFlags(parsed.values);
    } catch (error) {
      io.stderr.write(`smtp-diag mx: ${escapeUnsafe((error as Error).message)}\n${USAGE}\n`);
      return EXIT.usage;
    }
    if (parsed.positionals.length === 0) {
      io.stderr.write(`smtp-diag mx: name at least one domain.\n${USAGE}\n`);
      return EXIT.usage;
    }
    const checks = await checkDomains(parsed.positionals, { dns, concurrency });
    const results = checks.map((check) => check.mx);
    io.stdout.write(parsed.values.json ? `${JSON.stringify(results, null, 2)}\n` : `${results.map((result) => mxText(result).join('\n')).join('\n\n')}\n`);
    return results.every((result) => result.error === null) ? EXIT.ok : EXIT.inputError;
  },
};
