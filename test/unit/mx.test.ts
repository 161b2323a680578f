import * as assert from 'node:assert/strict';
import { lookupMx } from '../../src/core/mx/lookup';
import { parseDnsServer } from '../../src/core/mx/dnsServers';
import { domainTokenAt, parseDomain } from '../../src/core/mx/domainName';
import { DnsOptions, MxResult } from '../../src/core/mx/types';
import { RunningDnsServer, startDnsServer, startSilentDnsServer, TEST_DOMAINS } from '../support/dns-server';

function kinds(result: MxResult): string[] {
  return result.warnings.map((warning) => warning.kind).sort();
}

describe('MX lookup against a real DNS server on loopback', () => {
  let server: RunningDnsServer;
  let options: DnsOptions;

  before(async () => {
    server = await startDnsServer();
    // A budget that only a busy machine comes near: these tests are about answers, the timing ones set their own.
    options = { servers: [server.address], timeoutMs: 10_000, tries: 2 };
  });
  after(() => server.close());

  it('sorts several MX by preference and resolves each host to A and AAAA with TTLs', async () => {
    const result = await lookupMx(TEST_DOMAINS.multi, options);
    assert.equal(result.error, null);
    assert.deepEqual(result.records.map((record) => [record.priority, record.exchange]), [[10, 'mx1.multi.test'], [20, 'mx2.multi.test'], [30, 'mx3.multi.test']]);
    assert.deepEqual(result.records[0].addresses, [{ address: '192.0.2.1', family: 4, ttl: 600 }, { address: '2001:db8::1', family: 6, ttl: 600 }]);
    assert.deepEqual(result.records[1].addresses, [{ address: '192.0.2.2', family: 4, ttl: 300 }]);
    assert.equal(result.nullMx, false);
    assert.equal(result.implicitMx, false);
    assert.deepEqual(result.warnings, []);
  });

  it('reports a null MX as "accepts no mail", without records or an error', async () => {
    const result = await lookupMx(TEST_DOMAINS.nullMx, options);
    assert.equal(result.nullMx, true);
    assert.deepEqual(result.records, []);
    assert.equal(result.error, null);
    assert.equal(result.implicitMx, false, 'the A record of a null-MX domain must not become an implicit MX');
  });

  it('warns about a null MX mixed with other MX records and keeps the usable ones', async () => {
    const result = await lookupMx(TEST_DOMAINS.nullMxMixed, options);
    assert.equal(result.nullMx, false);
    assert.deepEqual(kinds(result), ['null-mx-mixed']);
    assert.deepEqual(result.records.map((record) => record.exchange), ['mx1.multi.test']);
  });

  it('falls back to the implicit MX (the domain\'s own A record) when there is no MX', async () => {
    const result = await lookupMx(TEST_DOMAINS.implicit, options);
    assert.equal(result.implicitMx, true);
    assert.deepEqual(result.records, [{ exchange: 'implicit.test', priority: 0, addresses: [{ address: '192.0.2.20', family: 4, ttl: 300 }] }]);
    assert.equal(result.error, null);
  });

  it('warns about an MX that is a CNAME, and still resolves it', async () => {
    const result = await lookupMx(TEST_DOMAINS.mxCname, options);
    assert.deepEqual(kinds(result), ['mx-cname']);
    assert.equal(result.records[0].cname, 'real.cname-mx.test');
    assert.equal(result.records[0].addresses[0].address, '192.0.2.30');
  });

  it('warns about an MX host without address and names the reason', async () => {
    const result = await lookupMx(TEST_DOMAINS.mxNoAddress, options);
    assert.deepEqual(kinds(result), ['mx-no-address']);
    assert.equal(result.warnings[0].exchange, 'ghost.noaddr-mx.test');
    assert.equal(result.records[0].addressError?.code, 'NXDOMAIN');
    assert.equal(result.records[1].addresses[0].address, '192.0.2.40');
  });

  it('warns about duplicate MX hosts (case-insensitively) and about IP-literal MX', async () => {
    assert.deepEqual(kinds(await lookupMx(TEST_DOMAINS.duplicate, options)), ['duplicate-mx']);
    const literal = await lookupMx(TEST_DOMAINS.ipLiteral, options);
    assert.deepEqual(kinds(literal), ['mx-ip-literal', 'no-usable-mx']);
    assert.ok(!server.queries.some((query) => query.name === '192.0.2.50'), 'an IP literal is not looked up as a name');
  });

  it('converts an IDN to A-labels and reports both forms', async () => {
    const result = await lookupMx(`Info@${TEST_DOMAINS.idnUnicode.toUpperCase()}`, options);
    assert.equal(result.domain, 'bücher.test');
    assert.equal(result.asciiDomain, 'xn--bcher-kva.test');
    assert.equal(result.records[0].exchange, 'mx.xn--bcher-kva.test');
  });

  it('gives NXDOMAIN, NODATA, SERVFAIL and REFUSED distinct codes and messages', async () => {
    const outcomes = await Promise.all([TEST_DOMAINS.nxDomain, TEST_DOMAINS.noData, TEST_DOMAINS.servFail, TEST_DOMAINS.refused].map((domain) => lookupMx(domain, options)));
    assert.deepEqual(outcomes.map((result) => result.error?.code), ['NXDOMAIN', 'NODATA', 'SERVFAIL', 'REFUSED']);
    assert.match(outcomes[0].error?.message ?? '', /does not exist/);
    assert.match(outcomes[1].error?.message ?? '', /no MX and no A\/AAAA/);
    assert.equal(new Set(outcomes.map((result) => result.error?.message)).size, 4);
    for (const result of outcomes) assert.deepEqual(result.records, []);
  });

  it('retries over TCP when the UDP answer is truncated', async () => {
    const result = await lookupMx(TEST_DOMAINS.big, options);
    assert.equal(result.error, null);
    assert.equal(result.records[0].addresses.length, 300);
    const transports = server.queries.filter((query) => query.name === 'mx.big.test' && query.type === 'A').map((query) => query.transport);
    assert.deepEqual(transports, ['udp', 'tcp']);
  });

  it('rejects malformed input without asking DNS', async () => {
    const before = server.queries.length;
    for (const input of ['', 'exa mple.com', 'bad..test', '-x.test', '192.0.2.1', 'localhost', `${'a'.repeat(64)}.test`]) {
      const result = await lookupMx(input, options);
      assert.equal(result.error?.code, 'MALFORMED', input);
    }
    assert.equal(server.queries.length, before);
  });

  it('holds the whole lookup, MX hosts included, to the configured time', async () => {
    const started = Date.now();
    const result = await lookupMx(TEST_DOMAINS.slowHost, { ...options, timeoutMs: 500 });
    const elapsed = Date.now() - started;
    assert.equal(result.error?.code, 'TIMEOUT');
    // Not before the budget, and not long after it (room for a loaded machine's timers; no budget would mean seconds).
    assert.ok(elapsed >= 450 && elapsed < 1500, `took ${elapsed} ms`);
    assert.deepEqual(result.records.map((record) => [record.exchange, record.addresses.length, record.addressError?.code]), [['mx.slow-host.test', 0, 'TIMEOUT']]);
  });

  it('cancels at once when the caller aborts', async () => {
    const silent = await startSilentDnsServer();
    try {
      const controller = new AbortController();
      const started = Date.now();
      const pending = lookupMx(TEST_DOMAINS.multi, { servers: [silent.address], timeoutMs: 5000, tries: 1 }, { signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      const result = await pending;
      assert.equal(result.error?.code, 'CANCELLED');
      assert.ok(Date.now() - started < 1000);
    } finally {
      await silent.close();
    }
  });
});

describe('MX lookup through an IPv6 DNS server address', () => {
  it('asks [::1]:port', async () => {
    const server = await startDnsServer(undefined, { host: '::1' });
    try {
      assert.match(server.address, /^\[::1\]:\d+$/);
      const result = await lookupMx(TEST_DOMAINS.multi, { servers: [server.address], timeoutMs: 10_000, tries: 1 });
      assert.equal(result.error, null);
      assert.equal(result.records.length, 3);
      assert.ok(server.queries.length > 0);
    } finally {
      await server.close();
    }
  });
});

describe('MX lookup against a server that never answers', () => {
  it('reports a timeout within the configured time, retries included', async () => {
    const silent = await startSilentDnsServer();
    try {
      const started = Date.now();
      const result = await lookupMx(TEST_DOMAINS.multi, { servers: [silent.address], timeoutMs: 600, tries: 3 });
      const elapsed = Date.now() - started;
      assert.equal(result.error?.code, 'TIMEOUT');
      assert.match(result.error?.message ?? '', /within 600 ms/);
      assert.ok(elapsed >= 550 && elapsed < 1600, `took ${elapsed} ms`);
      assert.ok(silent.received() >= 2, 'the resolver retried');
    } finally {
      await silent.close();
    }
  });
});

describe('domain input', () => {
  it('accepts domains, addresses, trailing dots and IDNs', () => {
    assert.deepEqual(parseDomain(' Example.COM. '), { ok: true, domain: 'example.com', asciiDomain: 'example.com' });
    assert.deepEqual(parseDomain('<ana@mail.example.org>'), { ok: true, domain: 'mail.example.org', asciiDomain: 'mail.example.org' });
    assert.deepEqual(parseDomain('xn--bcher-kva.de'), { ok: true, domain: 'bücher.de', asciiDomain: 'xn--bcher-kva.de' });
  });

  it('finds the address or domain under the cursor, but not codes, numbers or IPs', () => {
    const line = 'to=<old.staff@legacy-corp.example>, relay=mail.legacy-corp.example[203.0.113.7]:25, dsn=5.3.2, delay=0.01';
    assert.equal(domainTokenAt(line, line.indexOf('staff'))?.domain, 'legacy-corp.example');
    assert.equal(domainTokenAt(line, line.indexOf('mail.'))?.domain, 'mail.legacy-corp.example');
    assert.equal(domainTokenAt(line, line.indexOf('203.0')), undefined);
    assert.equal(domainTokenAt(line, line.indexOf('5.3.2')), undefined);
    assert.equal(domainTokenAt(line, line.indexOf('0.01')), undefined);
    assert.equal(domainTokenAt('Mail für info@bücher.de', 20)?.domain, 'bücher.de');
  });

  it('parses DNS server addresses in the three accepted forms and refuses host names', () => {
    assert.deepEqual(parseDnsServer('192.0.2.53'), { ok: true, server: '192.0.2.53' });
    assert.deepEqual(parseDnsServer('127.0.0.1:5353'), { ok: true, server: '127.0.0.1:5353' });
    assert.deepEqual(parseDnsServer('[::1]:5353'), { ok: true, server: '[::1]:5353' });
    assert.deepEqual(parseDnsServer('::1'), { ok: true, server: '::1' });
    assert.equal(parseDnsServer('dns.example:53').ok, false);
    assert.equal(parseDnsServer('127.0.0.1:70000').ok, false);
    assert.equal(parseDnsServer('[127.0.0.1]:53').ok, false);
  });
});
