// Markdown reports of lookups, probes and batch checks. Names and banners come from DNS and remote servers:
// they are data, so they go into code spans or escaped text, never into live Markdown or HTML.
import type { DomainCheck } from './batch';
import { escapeMarkdown } from '../markdown';
import { withoutControls } from '../text';
import type { HostAddress, HostProbe, MxResult, ProbeResult } from './types';

const MAX_SHOWN = 200;

/** Shows untrusted text verbatim as inline code; also safe inside a table cell. */
export function inlineCode(text: string): string {
  const flat = withoutControls(text).slice(0, MAX_SHOWN).replace(/\|/g, '\\|');
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** One short phrase for the state of a domain, used in tables and summaries. */
export function mxStatus(result: MxResult): string {
  if (result.error) return `${result.error.code}${result.records.length > 0 ? ` (after ${result.records.length} MX)` : ''}`;
  if (result.nullMx) return 'null MX: accepts no mail';
  if (result.implicitMx) return 'no MX: implicit MX (own address)';
  const usable = result.records.filter((record) => record.addresses.length > 0).length;
  return usable === 0 ? `${result.records.length} MX, none with an address` : `${result.records.length} MX, ${usable} with an address`;
}

function domainLine(result: { domain: string; asciiDomain: string }): string {
  const idn = result.asciiDomain !== '' && result.asciiDomain !== result.domain ? ` (A-labels: ${inlineCode(result.asciiDomain)})` : '';
  return `- Domain: ${inlineCode(result.domain)}${idn}`;
}

function addressList(addresses: readonly HostAddress[]): string {
  return addresses.length === 0 ? 'none' : addresses.map((entry) => `${inlineCode(entry.address)} (TTL ${entry.ttl} s)`).join(', ');
}

function mxBody(result: MxResult): string[] {
  const lines: string[] = [];
  if (result.error) {
    lines.push(`**${result.error.code}**: ${escapeMarkdown(result.error.message)}`, '');
  } else if (result.nullMx) {
    lines.push('**Null MX** (RFC 7505): this domain states that it accepts no mail. Bounces to it are permanent; remove its addresses from your lists.', '');
  } else if (result.implicitMx) {
    lines.push('**No MX records.** Following RFC 5321 §5.1, senders deliver to the domain\'s own address (implicit MX).', '');
  }
  if (result.records.length > 0) {
    lines.push('| Preference | Host | Addresses |', '| ---: | --- | --- |');
    for (const record of result.records) {
      const alias = record.cname ? ` → ${inlineCode(record.cname)}` : '';
      lines.push(`| ${record.priority} | ${inlineCode(record.exchange)}${alias} | ${record.notLookedUp ? 'not looked up' : addressList(record.addresses)} |`);
    }
    lines.push('');
  }
  if (result.warnings.length > 0) {
    lines.push('### Warnings', '', ...result.warnings.map((warning) => `- ${escapeMarkdown(warning.message)}`), '');
  }
  return lines;
}

/** Report of one MX lookup. `servers` are the DNS servers asked (empty: the system's). */
export function mxReport(result: MxResult, servers: readonly string[]): string {
  return [
    `# MX records: ${escapeMarkdown(result.domain)}`,
    '',
    domainLine(result),
    `- Status: ${escapeMarkdown(mxStatus(result))}`,
    `- DNS servers: ${servers.length > 0 ? servers.map(inlineCode).join(', ') : 'system resolvers'}; ${result.durationMs} ms`,
    '',
    ...mxBody(result),
  ].join('\n');
}

function replyText(reply: { code: number; lines: readonly string[] } | undefined): string {
  return reply ? inlineCode(`${reply.code} ${reply.lines[0] ?? ''}`) : '—';
}

function probeTable(hosts: readonly HostProbe[]): string[] {
  if (hosts.length === 0) return [];
  return [
    '| Host | Address | Outcome | Greeting | EHLO | STARTTLS |',
    '| --- | --- | --- | --- | --- | --- |',
    ...hosts.map((host) => `| ${inlineCode(host.exchange)} | ${host.address ? inlineCode(`${host.address} port ${host.port}`) : '—'} | ${host.outcome} | ${replyText(host.greeting)} | ${host.ehlo ? host.ehlo.code : '—'} | ${host.ehlo ? (host.starttls ? 'offered' : 'not offered') : '—'} |`),
    '',
    ...hosts.map((host) => `- ${escapeMarkdown(host.message)} (${host.durationMs} ms)`),
    '',
  ];
}

/** Report of one domain's SMTP probe, with the MX lookup it started from. */
export function probeReport(result: ProbeResult, servers: readonly string[]): string {
  const accepting = result.hosts.filter((host) => host.outcome === 'accepting').length;
  const summary = result.hosts.length === 0 ? 'no MX host to test' : `${accepting} of ${result.hosts.length} MX hosts accept connections`;
  return [
    `# Mail server availability: ${escapeMarkdown(result.domain)}`,
    '',
    domainLine(result),
    `- Result: ${summary}`,
    `- MX: ${escapeMarkdown(mxStatus(result.mx))}`,
    `- DNS servers: ${servers.length > 0 ? servers.map(inlineCode).join(', ') : 'system resolvers'}`,
    '',
    ...probeTable(result.hosts),
    '## MX lookup',
    '',
    ...mxBody(result.mx),
  ].join('\n');
}

function reachability(probes: readonly HostProbe[] | undefined): string {
  if (!probes) return 'not tested';
  if (probes.length === 0) return '—';
  return probes.map((probe) => `${probe.outcome}${probe.greeting ? ` ${probe.greeting.code}` : ''}`).join(', ');
}

export interface AffectedDomain {
  readonly check: DomainCheck;
  /** The bounced addresses at this domain. */
  readonly addresses: readonly string[];
}

/** Report of a batch check of the domains of hard bounces: one table row and one detail section per domain. */
export function bouncedDomainsReport(rows: readonly AffectedDomain[], source: string, servers: readonly string[]): string {
  const addressCount = rows.reduce((sum, row) => sum + row.addresses.length, 0);
  const lines = [
    '# Domains of hard bounces',
    '',
    `- Source: ${inlineCode(source)}`,
    `- ${addressCount} hard-bounced addresses at ${rows.length} domains`,
    `- DNS servers: ${servers.length > 0 ? servers.map(inlineCode).join(', ') : 'system resolvers'}`,
    '',
    '| Domain | Addresses | MX status | Null MX | Reachability |',
    '| --- | ---: | --- | --- | --- |',
    ...rows.map(({ check, addresses }) => `| ${inlineCode(check.domain)} | ${addresses.length} | ${escapeMarkdown(mxStatus(check.mx))} | ${check.mx.nullMx ? 'yes' : 'no'} | ${reachability(check.probes)} |`),
    '',
  ];
  for (const { check, addresses } of rows) {
    lines.push(`## ${escapeMarkdown(check.domain)}`, '', `Addresses (${addresses.length}): ${addresses.map(inlineCode).join(', ')}`, '', ...mxBody(check.mx), ...probeTable(check.probes ?? []));
  }
  return lines.join('\n');
}
