// MX lookups and SMTP probes when the network misbehaves: truncated answers, alias loops, closed and silent DNS
// ports, timeouts Node cannot set, and an answer with hundreds of MX hosts. Every server is real and on loopback.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import dns2 from 'dns2';
import fc from 'fast-check';
import { checkDomains } from '../../src/core/mx/batch';
import { decodeResponse, encodeQuery, MalformedMessage, RECORD_TYPE } from '../../src/core/mx/dnsWire';
import { lookupMx, MAX_RESOLVED_MX_HOSTS } from '../../src/core/mx/lookup';
import { probeDomain, probeHost } from '../../src/core/mx/probe';
import { DnsOptions } from '../../src/core/mx/types';
import { EXIT } from '../../src/cli/io';
import { runCliCaptured } from '../helpers/runCliCaptured';
import { closedDnsServer, MANY_MX_COUNT, RunningDnsServer, startDnsServer, startSilentDnsServer, TEST_DOMAINS, TEST_ZONE } from '../support/dns-server';
import { closedLoopbackPort } from '../support/smtp-server';

interface CountingServer {
  readonly port: number;
  /** Most connections open at once, counted by the server. */
  peak(): number;
  total(): number;
  close(): Promise<void>;
}

/**
 * A plain TCP server on loopback that holds each connection `holdMs`, then greets with 421 and closes it. It counts
 * a connection open from accept until it closes its own socket, which is before the client can see the close.
 */
async function startCountingServer(holdMs: number): Promise<CountingServer> {
  let open = 0;
  let peak = 0;
  let total = 0;
  const timers = new Set<NodeJS.Timeout>();
  const server = net.createServer((socket) => {
    open += 1;
    total += 1;
    peak = Math.max(peak, open);
    socket.on('error', () => undefined);
    const timer = setTimeout(() => {
      timers.delete(timer);
      socket.write('421 4.3.2 busy, try later\r\n', () => {
        open -= 1;
        socket.destroy();
      });
    }, holdMs);
    timers.add(timer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    peak: () => peak,
    total: () => total,
    close: () => {
      for (const timer of timers) clearTimeout(timer);
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function transportsOf(dns: RunningDnsServer, name: string, type: string): string[] {
  return dns.queries.filter((query) => query.name === name && query.type === type).map((query) => query.transport);
}

describe('DNS answers that are not what they seem', () => {
  let dns: RunningDnsServer;
  let options: DnsOptions;

  before(async () => {
    dns = await startDnsServer();
    options = { servers: [dns.address], timeoutMs: 10_000, tries: 1 };
  });
  after(() => dns.close());

  it('calls an MX answer truncated over UDP and again over TCP "truncated", not NODATA, and keeps none of it', async () => {
    const result = await lookupMx(TEST_DOMAINS.truncated, options);
    assert.equal(result.error?.code, 'TRUNCATED');
    assert.match(result.error?.message ?? '', /truncated/);
    assert.match(result.error?.message ?? '', /over TCP too/);
    assert.deepEqual(result.records, [], 'a partial answer is not a list of MX hosts');
    assert.deepEqual(transportsOf(dns, TEST_DOMAINS.truncated, 'MX'), ['udp', 'tcp']);
  });

  it('gives a truncated host answer as the reason an MX host has no address', async () => {
    const result = await lookupMx(TEST_DOMAINS.truncatedHost, options);
    assert.equal(result.records[0].addressError?.code, 'TRUNCATED');
    assert.deepEqual(result.records[0].addresses, []);
    const warning = result.warnings.find((entry) => entry.kind === 'mx-no-address');
    assert.match(warning?.message ?? '', /truncated/);
  });

  it('says "truncated" when the retry over TCP finds the port closed, not REFUSED', async () => {
    const udpOnly = await startDnsServer(TEST_ZONE, { tcp: false });
    try {
      const result = await lookupMx(TEST_DOMAINS.manyMx, { ...options, servers: [udpOnly.address] });
      assert.equal(result.error?.code, 'TRUNCATED');
      assert.match(result.error?.message ?? '', /truncated/);
      assert.match(result.error?.message ?? '', /over TCP.*connection refused/);
      assert.doesNotMatch(result.error?.message ?? '', /REFUSED/);
    } finally {
      await udpOnly.close();
    }
  });

  it('reports an alias chain that leads back to itself as a CNAME loop, for a domain and for an MX host', async () => {
    const domain = await lookupMx(TEST_DOMAINS.cnameLoop, options);
    assert.equal(domain.error?.code, 'CNAME_LOOP');
    assert.match(domain.error?.message ?? '', /CNAME loop: loop\.test → loop2\.test → loop\.test/);
    assert.equal(domain.implicitMx, false);
    const host = await lookupMx(TEST_DOMAINS.mxCnameLoop, options);
    assert.equal(host.error, null);
    assert.equal(host.records[0].addressError?.code, 'CNAME_LOOP');
    assert.match(host.warnings.find((entry) => entry.kind === 'mx-no-address')?.message ?? '', /CNAME loop/);
  });
});

describe('DNS answers that are damaged or hostile', () => {
  /** A real answer with compressed names: the MX records of many.test, as the test server encodes them. */
  function realAnswer(): Buffer {
    const request = dns2.Packet.parse(encodeQuery(7, TEST_DOMAINS.manyMx, RECORD_TYPE.MX));
    const response = dns2.Packet.createResponseFromRequest(request);
    for (const { exchange, priority } of TEST_ZONE.get(TEST_DOMAINS.manyMx)?.mx?.slice(0, 20) ?? []) {
      response.answers.push(new dns2.Packet.Resource({ name: TEST_DOMAINS.manyMx, type: dns2.Packet.TYPE.MX, class: dns2.Packet.CLASS.IN, ttl: 60, exchange, priority }));
    }
    return response.toBuffer();
  }

  it('reads a real compressed answer', () => {
    const decoded = decodeResponse(realAnswer());
    assert.equal(decoded.id, 7);
    assert.deepEqual(decoded.question, { name: 'many.test', type: RECORD_TYPE.MX });
    assert.deepEqual(decoded.answers.slice(0, 2), [
      { name: 'many.test', ttl: 60, type: RECORD_TYPE.MX, priority: 0, exchange: 'h0.many.test' },
      { name: 'many.test', ttl: 60, type: RECORD_TYPE.MX, priority: 1, exchange: 'h1.many.test' },
    ]);
  });

  it('refuses a name pointer that points at itself instead of looping', () => {
    const message = Buffer.from(realAnswer());
    // The first answer's owner name is a pointer right after the question; aim it at itself.
    const owner = message.indexOf(Buffer.from([0, RECORD_TYPE.MX, 0, 1]), 12) + 4;
    message.writeUInt16BE(0xc000 | owner, owner);
    assert.throws(() => decodeResponse(message), MalformedMessage);
  });

  it('reads any damaged answer without hanging and fails only with "malformed"', () => {
    const original = realAnswer();
    const edits = fc.array(fc.record({ at: fc.nat(original.length - 1), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 8 });
    fc.assert(fc.property(edits, fc.nat(original.length), (changes, cut) => {
      const damaged = Buffer.from(original);
      for (const { at, byte } of changes) damaged[at] = byte;
      try {
        decodeResponse(damaged.subarray(0, Math.max(cut, 12)));
      } catch (error) {
        if (!(error instanceof MalformedMessage)) throw error;
      }
    }), { seed: 20261202, numRuns: 500 });
  });
});

describe('DNS servers that do not answer', () => {
  it('says "no answer from" the server when nothing listens on its port, at once, and never REFUSED', async () => {
    const address = await closedDnsServer();
    const started = Date.now();
    const result = await lookupMx(TEST_DOMAINS.multi, { servers: [address], timeoutMs: 10_000, tries: 2 });
    assert.equal(result.error?.code, 'NO_ANSWER');
    assert.ok(result.error?.message.startsWith(`No answer from DNS server ${address} for multi.test: nothing listens there (connection refused)`), result.error?.message);
    assert.doesNotMatch(result.error?.message ?? '', /REFUSED/);
    assert.ok(Date.now() - started < 2000, 'a closed port is known at once, no need to wait for the timeout');
  });

  it('stops asking once no server is worth asking again, however many tries were allowed', async () => {
    const address = await closedDnsServer();
    const started = Date.now();
    // A billion rounds of skipping the refused server took 39 s.
    const result = await lookupMx(TEST_DOMAINS.multi, { servers: [address], timeoutMs: 300, tries: 1_000_000_000 });
    assert.equal(result.error?.code, 'NO_ANSWER');
    assert.ok(Date.now() - started < 2000, `${Date.now() - started} ms`);
    const usage = await runCliCaptured(['mx', '--server', address, '--tries', '1000000000', 'multi.test']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--tries must be 1-10, not "1000000000"/);
  });

  it('says "no answer from" the server, with the time waited, when it stays silent', async () => {
    const silent = await startSilentDnsServer();
    try {
      const result = await lookupMx(TEST_DOMAINS.multi, { servers: [silent.address], timeoutMs: 400, tries: 2 });
      assert.equal(result.error?.code, 'TIMEOUT');
      assert.ok(result.error?.message.startsWith(`No answer from DNS server ${silent.address} for multi.test within 400 ms`), result.error?.message);
    } finally {
      await silent.close();
    }
  });
});

describe('timeouts Node cannot set', () => {
  it('refuses a DNS timeout past 2^31−1 ms, zero or negative instead of timing out at once, and asks nothing', async () => {
    const dns = await startDnsServer();
    try {
      for (const timeoutMs of [2 ** 31, 3_000_000_000, 0, -1, 2.5]) {
        const result = await lookupMx(TEST_DOMAINS.multi, { servers: [dns.address], timeoutMs, tries: 1 });
        assert.equal(result.error?.code, 'ERROR', String(timeoutMs));
        assert.match(result.error?.message ?? '', timeoutMs > 2 ** 31 - 1 ? /2147483647 ms/ : /whole number of milliseconds/, String(timeoutMs));
      }
      assert.equal(dns.queries.length, 0);
      const longest = await lookupMx(TEST_DOMAINS.multi, { servers: [dns.address], timeoutMs: 2 ** 31 - 1, tries: 1 });
      assert.equal(longest.error, null, 'the longest timer Node can set is accepted');
    } finally {
      await dns.close();
    }
  });

  it('refuses an SMTP timeout past 2^31−1 ms instead of timing out at once', async () => {
    const target = { exchange: 'smtp.probe.test', priority: 10, address: '127.0.0.1' };
    const port = await closedLoopbackPort();
    await assert.rejects(probeHost(target, { port, timeoutMs: 3_000_000_000 }), /2147483647 ms/);
    await assert.rejects(probeHost(target, { port, timeoutMs: 0 }), /whole number of milliseconds/);
  });
});

describe('a domain with hundreds of MX hosts', () => {
  let dns: RunningDnsServer;
  let smtp: CountingServer;
  let options: DnsOptions;

  // Each DNS answer takes 5 ms and each SMTP connection 50 ms, so that work in flight overlaps and can be counted.
  beforeEach(async () => {
    [dns, smtp] = await Promise.all([startDnsServer(TEST_ZONE, { delayMs: 5 }), startCountingServer(50)]);
    options = { servers: [dns.address], timeoutMs: 10_000, tries: 1 };
  });
  afterEach(() => Promise.all([dns.close(), smtp.close()]));

  /**
   * The MX answer (300 records, about 6 kB) exceeds the 1232-byte UDP size we offer, so it is asked over UDP, then
   * over TCP: 2 queries. Then A and AAAA for each of the MAX_RESOLVED_MX_HOSTS most preferred hosts, once each, with
   * tries: 1 and a server that answers every query: 2 per host. Nothing else.
   */
  const expectedQueries = 2 + 2 * MAX_RESOLVED_MX_HOSTS;

  it('probes it under the concurrency limit and asks a bounded number of DNS questions', async () => {
    const result = await probeDomain(TEST_DOMAINS.manyMx, options, { port: smtp.port, timeoutMs: 5000 }, { concurrency: 4 });
    assert.equal(result.mx.records.length, MANY_MX_COUNT, 'every MX record is still listed');
    assert.equal(result.hosts.length, MAX_RESOLVED_MX_HOSTS);
    assert.deepEqual(result.hosts.slice(0, 3).map((host) => host.exchange), ['h0.many.test', 'h1.many.test', 'h2.many.test']);
    assert.ok(result.hosts.every((host) => host.outcome === 'rejecting' && host.greeting?.code === 421), JSON.stringify(result.hosts[0]));
    assert.equal(smtp.total(), MAX_RESOLVED_MX_HOSTS);
    assert.ok(smtp.peak() <= 4, `${smtp.peak()} connections open at once`);
    assert.ok(smtp.peak() > 1, 'the probes still run side by side');
    assert.ok(dns.peakPending() <= 4, `${dns.peakPending()} DNS queries in flight at once`);
    assert.equal(dns.queries.length, expectedQueries);
    assert.match(result.mx.warnings.find((warning) => warning.kind === 'many-mx')?.message ?? '', /lists 300 MX hosts; only the 20 most preferred/);
    assert.equal(result.mx.records[MANY_MX_COUNT - 1].notLookedUp, true);
  });

  it('keeps a batch check under the same limit, DNS queries included', async () => {
    const [check] = await checkDomains([TEST_DOMAINS.manyMx], { dns: options, concurrency: 3, probe: { port: smtp.port, timeoutMs: 5000 } });
    assert.equal(check.probes?.length, MAX_RESOLVED_MX_HOSTS);
    assert.ok(smtp.peak() <= 3, `${smtp.peak()} connections open at once`);
    assert.ok(dns.peakPending() <= 3, `${dns.peakPending()} DNS queries in flight at once`);
    assert.equal(dns.queries.length, expectedQueries);
  });

  it('takes the limit from smtp-diag probe --concurrency', async () => {
    const result = await runCliCaptured(['probe', '--json', '--server', dns.address, '--port', String(smtp.port), '--concurrency', '2', TEST_DOMAINS.manyMx]);
    assert.equal(result.code, EXIT.inputError, result.stderr);
    assert.equal(smtp.total(), MAX_RESOLVED_MX_HOSTS);
    assert.ok(smtp.peak() <= 2, `${smtp.peak()} connections open at once`);
    assert.ok(dns.peakPending() <= 2, `${dns.peakPending()} DNS queries in flight at once`);
  });
});
