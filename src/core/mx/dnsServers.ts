// DNS server addresses as users write them: `ip`, `ip:port`, `[ipv6]` or `[ipv6]:port`. Resolvers need
// addresses, not names, so host names are refused with a clear reason.
import { isIP } from 'node:net';

export type ParsedDnsServer = { readonly ok: true; readonly server: string } | { readonly ok: false; readonly reason: string };

/** Checks one server address and returns it in the form node:dns `setServers` takes. */
export function parseDnsServer(spec: string): ParsedDnsServer {
  const text = spec.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const withPort = /^([^:[\]]+):(\d+)$/.exec(text);
  const [host, port] = bracketed ? [bracketed[1], bracketed[2]] : withPort ? [withPort[1], withPort[2]] : [text, undefined];
  const family = isIP(host);
  if (family === 0) return { ok: false, reason: `"${spec}" is not an IP address (write ip, ip:port or [ipv6]:port)` };
  if (bracketed && family !== 6) return { ok: false, reason: `"${spec}": brackets are for IPv6 addresses` };
  if (port === undefined) return { ok: true, server: host };
  const number = Number(port);
  if (!Number.isInteger(number) || number < 1 || number > 65535) return { ok: false, reason: `"${spec}": port must be 1-65535` };
  return { ok: true, server: family === 6 ? `[${host}]:${number}` : `${host}:${number}` };
}

/** Parses a list; the first bad entry is reported, since a silently dropped server would mislead. */
export function parseDnsServers(specs: readonly string[]): { ok: true; servers: string[] } | { ok: false; reason: string } {
  const servers: string[] = [];
  for (const spec of specs) {
    const parsed = parseDnsServer(spec);
    if (!parsed.ok) return parsed;
    servers.push(parsed.server);
  }
  return { ok: true, servers };
}
