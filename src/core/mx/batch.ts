// Batch check: MX lookups (and, opt-in, SMTP probes) for many domains, at most `concurrency` sockets open at a time,
// with each domain, MX host and probe done once per run.
import { parseDomain } from './domainName';
import { Limiter, mapWithLimit } from './limiter';
import { describeDnsError, HostLookup, lookupMx } from './lookup';
import { probeHost, probeTargets } from './probe';
import { assertTimeoutMs } from './timerLimit';
import { DnsOptions, HostProbe, MxResult, ProbeOptions } from './types';

export interface BatchOptions {
  readonly dns: DnsOptions;
  /** Most domains looked up or hosts probed at once, and most sockets (DNS and SMTP) open at once. */
  readonly concurrency: number;
  /** Set to probe every MX host too; leave out for DNS only. */
  readonly probe?: ProbeOptions;
  readonly signal?: AbortSignal;
  /** Called after each lookup and each probe; `total` counts both. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface DomainCheck {
  readonly domain: string;
  readonly asciiDomain: string;
  readonly mx: MxResult;
  /** One per distinct MX host looked up, when probing was asked for. */
  readonly probes?: readonly HostProbe[];
}

/** The same domain written twice (case, trailing dot, address form) is one domain. */
function distinctDomains(inputs: readonly string[]): string[] {
  const byKey = new Map<string, string>();
  for (const input of inputs) {
    const parsed = parseDomain(input);
    const key = parsed.ok ? parsed.asciiDomain : input.trim();
    if (!byKey.has(key)) byKey.set(key, input);
  }
  return [...byKey.values()];
}

/**
 * Checks each distinct domain once, in order of first appearance. Lookups run first, then probes of the distinct
 * MX hosts they found, each phase under the same concurrency limit. Cancelled work comes back with error CANCELLED.
 * Rejects, before any network use, on a bad SMTP timeout.
 */
export async function checkDomains(inputs: readonly string[], options: BatchOptions): Promise<DomainCheck[]> {
  if (options.probe) assertTimeoutMs(options.probe.timeoutMs, 'The SMTP timeout');
  const domains = distinctDomains(inputs);
  const hostCache = new Map<string, Promise<HostLookup>>();
  // Bounds the DNS exchanges of all lookups together: one domain's MX hosts fan out into many queries.
  const limiter = new Limiter(options.concurrency);
  let done = 0;
  let total = domains.length;
  const tick = () => options.onProgress?.(++done, total);

  const lookups = await mapWithLimit(domains, options.concurrency, async (domain) => {
    const result = await lookupMx(domain, options.dns, { signal: options.signal, hostCache, limiter });
    tick();
    return result;
  }, options.signal);
  const results = lookups.map((result, index) => result ?? cancelledResult(domains[index], options.dns));

  if (!options.probe) return results.map((mx) => ({ domain: mx.domain, asciiDomain: mx.asciiDomain, mx }));
  const probeOptions = options.probe;
  const targets = new Map(results.flatMap((mx) => probeTargets(mx.records)).map((target) => [`${target.exchange} ${target.address}`, target]));
  total += targets.size;
  const probes = await mapWithLimit([...targets.entries()], options.concurrency, async ([key, target]) => {
    const probe = await probeHost(target, probeOptions, options.signal);
    tick();
    return [key, probe] as const;
  }, options.signal);
  const probeByKey = new Map(probes.filter((entry) => entry !== undefined));
  return results.map((mx) => ({
    domain: mx.domain,
    asciiDomain: mx.asciiDomain,
    mx,
    probes: probeTargets(mx.records).flatMap((target) => probeByKey.get(`${target.exchange} ${target.address}`) ?? []),
  }));
}

function cancelledResult(input: string, options: DnsOptions): MxResult {
  const parsed = parseDomain(input);
  return {
    domain: parsed.ok ? parsed.domain : input.trim(),
    asciiDomain: parsed.ok ? parsed.asciiDomain : '',
    records: [], nullMx: false, implicitMx: false, warnings: [],
    error: { code: 'CANCELLED', message: describeDnsError('CANCELLED', input.trim(), options) },
    durationMs: 0,
  };
}
