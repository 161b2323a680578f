// `smtp-diag mx`: MX records of one or more domains, as text or JSON.
import { parseArgs } from 'node:util';
import { CliCommand, CliIo, EXIT } from './io';
import { checkDomains, DEFAULT_CONCURRENCY, DEFAULT_DNS_OPTIONS, DnsOptions, MxResult, mxStatus, parseDnsServers, withoutControls } from '../core/mx';

const USAGE = `Usage: smtp-diag mx [--server ip[:port]]... [--timeout ms] [--tries n] [--json] <domain|address>...

Looks up the MX records of each domain (an address stands for its domain), resolves every MX host to its
IPv4/IPv6 addresses and reports null MX, implicit MX and misconfigurations.
  --server    DNS server to ask: ip, ip:port or [ipv6]:port; repeat for several (default: the system's)
  --timeout   longest time per domain in ms, retries included (default ${DEFAULT_DNS_OPTIONS.timeoutMs})
  --tries     attempts per DNS query (default ${DEFAULT_DNS_OPTIONS.tries})
  --json      print a JSON array of results
Exit code: 0 when every domain was answered, 1 when a lookup failed (NXDOMAIN, timeout, ...), 2 on bad usage.`;

/** The DNS flags `mx` and `probe` share. */
export const DNS_FLAGS = {
  server: { type: 'string', multiple: true },
  timeout: { type: 'string' },
  tries: { type: 'string' },
  json: { type: 'boolean' },
} as const;

function positiveInteger(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number, not "${text}"`);
  return value;
}

/** DNS options from `--server`, `--timeout` and `--tries`; throws with a usage message on bad values. */
export function dnsOptionsFromFlags(values: { server?: string[]; timeout?: string; tries?: string }): DnsOptions {
  const servers = parseDnsServers(values.server ?? []);
  if (!servers.ok) throw new Error(`--server: ${servers.reason}`);
  return {
    servers: servers.servers,
    timeoutMs: positiveInteger(values.timeout, 'timeout', DEFAULT_DNS_OPTIONS.timeoutMs),
    tries: positiveInteger(values.tries, 'tries', DEFAULT_DNS_OPTIONS.tries),
  };
}

/** Plain-text lines for one lookup; names from DNS have control characters replaced. */
export function mxText(result: MxResult): string[] {
  const idn = result.asciiDomain !== '' && result.asciiDomain !== result.domain ? ` (${result.asciiDomain})` : '';
  const lines = [`${withoutControls(result.domain)}${idn}: ${mxStatus(result)}`];
  if (result.error) lines.push(`  ${withoutControls(result.error.message)}`);
  for (const record of result.records) {
    const addresses = record.addresses.map((entry) => `${entry.address} (TTL ${entry.ttl} s)`).join(', ') || 'no address';
    const alias = record.cname ? ` -> ${record.cname}` : '';
    lines.push(`  ${String(record.priority).padStart(5)}  ${withoutControls(record.exchange + alias)}  ${addresses}`);
  }
  for (const warning of result.warnings) lines.push(`  warning: ${withoutControls(warning.message)}`);
  return lines;
}

export const mxCommand: CliCommand = {
  name: 'mx',
  summary: 'Look up the MX records of domains (null MX, implicit MX, host addresses)',
  usage: USAGE,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    let parsed;
    let dns: DnsOptions;
    try {
      parsed = parseArgs({ args: [...args], options: DNS_FLAGS, allowPositionals: true, strict: true });
      dns = dnsOptionsFromFlags(parsed.values);
    } catch (error) {
      io.stderr.write(`smtp-diag mx: ${(error as Error).message}\n${USAGE}\n`);
      return EXIT.usage;
    }
    if (parsed.positionals.length === 0) {
      io.stderr.write(`smtp-diag mx: name at least one domain.\n${USAGE}\n`);
      return EXIT.usage;
    }
    const checks = await checkDomains(parsed.positionals, { dns, concurrency: DEFAULT_CONCURRENCY });
    const results = checks.map((check) => check.mx);
    io.stdout.write(parsed.values.json ? `${JSON.stringify(results, null, 2)}\n` : `${results.map((result) => mxText(result).join('\n')).join('\n\n')}\n`);
    return results.every((result) => result.error === null) ? EXIT.ok : EXIT.inputError;
  },
};
