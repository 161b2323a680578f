// `smtp-diag probe`: connects to each MX host of a domain, reads the greeting, EHLO, STARTTLS, QUIT.
import { parseArgs } from 'node:util';
import { escapeUnsafe } from '../core/bounce/safeText';
import { CliCommand, CliIo, EXIT } from './io';
import { concurrencyFromFlags, DNS_FLAGS, dnsOptionsFromFlags, mxText, timeoutFlag, wholeNumberFlag } from './mx';
import { DEFAULT_PROBE_OPTIONS, DnsOptions, MAX_RESOLVED_MX_HOSTS, ProbeOptions, probeDomain, withoutControls } from '../core/mx';

const USAGE = `Usage: smtp-diag probe [--port n] [--smtp-timeout ms] [--server ip[:port]]... [--concurrency n] [--json] <domain|address>

Looks up the MX hosts of the domain, then connects to each (the ${MAX_RESOLVED_MX_HOSTS} most preferred at most): reads the
greeting, sends EHLO, notes whether STARTTLS is offered, sends QUIT. Nothing is sent beyond EHLO and QUIT.
  --port          SMTP port (default ${DEFAULT_PROBE_OPTIONS.port})
  --smtp-timeout  longest time per host in ms (default ${DEFAULT_PROBE_OPTIONS.timeoutMs})
  --concurrency   most connections and DNS queries in flight at once (default as for "smtp-diag mx")
  --server, --timeout, --tries, --json   as for "smtp-diag mx"
Exit code: 0 when at least one MX host accepts connections, 1 otherwise, 2 on bad usage.`;

function probeOptionsFromFlags(values: { port?: string; 'smtp-timeout'?: string }): ProbeOptions {
  const port = wholeNumberFlag(values.port, 'port', DEFAULT_PROBE_OPTIONS.port, 65535);
  return { port, timeoutMs: timeoutFlag(values['smtp-timeout'], 'smtp-timeout', DEFAULT_PROBE_OPTIONS.timeoutMs) };
}

export const probeCommand: CliCommand = {
  name: 'probe',
  usage: USAGE,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    let parsed;
    let dns: DnsOptions;
    let probe: ProbeOptions;
    let concurrency: number;
    try {
      parsed = parseArgs({ args: [...args], options: { ...DNS_FLAGS, port: { type: 'string' }, 'smtp-timeout': { type: 'string' } }, allowPositionals: true, strict: true });
      dns = dnsOptionsFromFlags(parsed.values);
      probe = probeOptionsFromFlags(parsed.values);
      concurrency = concurrencyFromFlags(parsed.values);
    } catch (error) {
      io.stderr.write(`smtp-diag probe: ${escapeUnsafe((error as Error).message)}\n${USAGE}\n`);
      return EXIT.usage;
    }
    if (parsed.positionals.length !== 1) {
      io.stderr.write(`smtp-diag probe: name exactly one domain.\n${USAGE}\n`);
      return EXIT.usage;
    }
    const result = await probeDomain(parsed.positionals[0], dns, probe, { concurrency });
    if (parsed.values.json) {
      io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      const lines = mxText(result.mx);
      for (const host of result.hosts) {
        lines.push(`  ${host.outcome.padEnd(14)} ${withoutControls(host.message)}`);
        if (host.greeting) lines.push(`                 greeting: ${host.greeting.code} ${withoutControls(host.greeting.lines[0] ?? '')}`);
      }
      io.stdout.write(`${lines.join('\n')}\n`);
    }
    return result.hosts.some((host) => host.outcome === 'accepting') ? EXIT.ok : EXIT.inputError;
  },
};
