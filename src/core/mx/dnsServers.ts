// DNS server addresses as users write them: `ip`, `ip:port`, `[ipv6]` or `[ipv6]:port`. Resolvers need
// addresses, not names, so host names are refused with a clear reason.
import { isIP } from 'node:net';

/** A DNS server to send queries to. */
export interface DnsEndpoint {
  readonly host: string;
  readonly port: number;
  /** The address in its canonical written form, for messages and settings. */
  readonly server: string;
}

export type ParsedDnsServer = { readonly ok: true; readonly server: string } | { readonly ok: false; readonly reason: string };
type ParsedEndpoint = { readonly ok: true; readonly endpoint: DnsEndpoint } | { readonly ok: false; readonly reason: string };

const DNS_PORT = 53;

function parseDnsEndpoint(spec: string): ParsedEndpoint {
  const text = spec.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const withPort = /^([^:[\]]+):(\d+)$/.exec(text);
  const [host, port] = bracketed ? [bracketed[1], bracketed[2]] : withPort ? [withPort[1], withPort[2]] : [text, undefined];
  const family = isIP(host);
  if (family === 0) return { ok: false, reason: `"${spec}" is not an IP address (write ip, ip:port or [ipv6]:port)` };
  if (bracketed && family !== 6) return { ok: false, reason: `"${spec}": brackets are for IPv6 addresses` };
  if (port === undefined) return { ok: true, endpoint: { host, port: DNS_PORT, server: host } };
  const number = Number(port);
  if (!Number.isInteger(number) || number < 1 || number > 65535) return { ok: false, reason: `"${spec}": port must be 1-65535` };
  return { ok: true, endpoint: { host, port: number, server: family === 6 ? `[${host}]:${number}` : `${host}:${number}` } };
}

/** Checks one server address and returns it in its canonical written form. */
export function parseDnsServer(spec: string): ParsedDnsServer {
  const parsed = parseDnsEndpoint(spec);
  return parsed.ok ? { ok: true, server: parsed.endpoint.server } : parsed;
}

/** Parses a list; the first bad entry is reported, since a silently dropped server would mislead. */
export function parseDnsEndpoints(specs: readonly string[]): { ok: true; endpoints: DnsEndpoint[] } | { ok: false; reason: string } {
  const endpoints: DnsEndpoint[] = [];
  for (const spec of specs) {
    const parsed = parseDnsEndpoint(spec);
    if (!parsed.ok) return parsed;
    endpoints.push(parsed.endpoint);
  }
  return { ok: true, endpoints };
}

/** As parseDnsEndpoints, in the written form settings and the CLI keep. */
export function parseDnsServers(specs: readonly string[]): { ok: true; servers: string[] } | { ok: false; reason: string } {
  const parsed = parseDnsEndpoints(specs);
  return parsed.ok ? { ok: true, servers: parsed.endpoints.map((endpoint) => endpoint.server) } : parsed;
}
