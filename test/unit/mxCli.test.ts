import * as assert from 'node:assert/strict';
import { runCliCaptured } from '../helpers/runCliCaptured';
import { EXIT } from '../../src/cli/io';
import { MxResult, ProbeResult } from '../../src/core/mx';
import { RunningDnsServer, startDnsServer, TEST_DOMAINS, TEST_ZONE } from '../support/dns-server';
import { RunningServer, startSmtpServer } from '../support/smtp-server';

describe('smtp-diag mx and probe', () => {
  let dns: RunningDnsServer;
  let smtp: RunningServer;
  before(async () => { [dns, smtp] = await Promise.all([startDnsServer(), startSmtpServer('accepting')]); });
  after(() => Promise.all([dns.close(), smtp.close()]));

  it('prints sorted MX records with addresses, and exits 0', async () => {
    const result = await runCliCaptured(['mx', '--server', dns.address, TEST_DOMAINS.multi]);
    assert.equal(result.code, EXIT.ok, result.stderr);
    const lines = result.stdout.split('\n');
    assert.equal(lines[0], 'multi.test: 3 MX, 3 with an address');
    assert.match(lines[1], /^\s+10 {2}mx1\.multi\.test {2}192\.0\.2\.1 \(TTL 600 s\), 2001:db8::1 \(TTL 600 s\)$/);
  });

  it('prints the TTL of every address of an answer that came over TCP after a truncated UDP answer', async () => {
    // 200 A and 100 AAAA records (about 5 KB) do not fit the 1232 bytes offered over UDP.
    const zone = new Map(TEST_ZONE);
    zone.set('wide.test', { mx: [{ exchange: 'mx.wide.test', priority: 10 }] });
    zone.set('mx.wide.test', {
      a: Array.from({ length: 200 }, (_, index) => `198.51.100.${index}`),
      aaaa: Array.from({ length: 100 }, (_, index) => `2001:db8::${(index + 1).toString(16)}`),
      ttl: 3600,
    });
    const wide = await startDnsServer(zone);
    try {
      const result = await runCliCaptured(['mx', '--server', wide.address, 'wide.test']);
      assert.equal(result.code, EXIT.ok, result.stderr);
      const transports = (type: string) => wide.queries.filter((query) => query.name === 'mx.wide.test' && query.type === type).map((query) => query.transport);
      assert.deepEqual([transports('A'), transports('AAAA')], [['udp', 'tcp'], ['udp', 'tcp']]);
      const [, hostLine] = result.stdout.split('\n');
      const addresses = /^\s+10 {2}mx\.wide\.test {2}(.*)$/.exec(hostLine)?.[1].split(', ') ?? [];
      assert.equal(addresses.length, 300, hostLine.slice(0, 200));
      for (const address of addresses) assert.match(address, /^[\d.:a-f]+ \(TTL 3600 s\)$/);
    } finally {
      await wide.close();
    }
  });

  it('prints JSON for several domains, one answer each, and exits 1 when one fails', async () => {
    const result = await runCliCaptured(['mx', '--json', '--server', dns.address, TEST_DOMAINS.nullMx, TEST_DOMAINS.idnUnicode, TEST_DOMAINS.nxDomain, 'NULLMX.test.']);
    assert.equal(result.code, EXIT.inputError);
    const results = JSON.parse(result.stdout) as MxResult[];
    assert.deepEqual(results.map((entry) => [entry.asciiDomain, entry.nullMx, entry.error?.code ?? null]), [
      ['nullmx.test', true, null],
      ['xn--bcher-kva.test', false, null],
      ['does-not-exist.test', false, 'NXDOMAIN'],
    ]);
    assert.equal(results[1].domain, 'bücher.test');
  });

  it('exits 2 with the reason on a bad server, timeout or no domain', async () => {
    for (const args of [['mx', '--server', 'dns.example', 'a.test'], ['mx', '--timeout', 'soon', 'a.test'], ['mx'], ['probe', '--port', '0', 'a.test']]) {
      const result = await runCliCaptured(args);
      assert.equal(result.code, EXIT.usage, args.join(' '));
      assert.match(result.stderr, /Usage: smtp-diag (mx|probe)/);
    }
  });

  it('exits 2, asking nothing, on a timeout Node cannot set: past 2^31-1 ms, zero or negative', async () => {
    const cases: [string[], RegExp][] = [
      [['mx', '--timeout', '3000000000'], /--timeout "3000000000" is longer than 2147483647 ms/],
      [['mx', '--timeout', '2147483648'], /--timeout "2147483648" is longer than 2147483647 ms/],
      [['mx', '--timeout=-5'], /--timeout "-5" is not a whole number of milliseconds/],
      [['mx', '--concurrency', '257'], /--concurrency must be 1-256, not "257"/],
      [['probe', '--timeout', '3000000000'], /--timeout "3000000000" is longer than 2147483647 ms/],
      [['probe', '--smtp-timeout', '3000000000'], /--smtp-timeout "3000000000" is longer than 2147483647 ms/],
      [['probe', '--smtp-timeout', '0'], /--smtp-timeout "0" is not a whole number of milliseconds/],
      [['probe', '--concurrency', '0'], /--concurrency must be 1-256, not "0"/],
    ];
    const queriesBefore = dns.queries.length;
    // Loopback servers only, should a bad value get through.
    for (const [[command, ...flags], reason] of cases) {
      const result = await runCliCaptured([command, '--server', dns.address, ...(command === 'probe' ? ['--port', String(smtp.port)] : []), ...flags, TEST_DOMAINS.probe]);
      assert.equal(result.code, EXIT.usage, [command, ...flags].join(' '));
      assert.match(result.stderr, reason);
    }
    assert.equal(dns.queries.length, queriesBefore);
  });

  it('accepts the longest timeout Node can set', async () => {
    const result = await runCliCaptured(['mx', '--server', dns.address, '--timeout', '2147483647', '--concurrency', '256', TEST_DOMAINS.multi]);
    assert.equal(result.code, EXIT.ok, result.stderr);
  });

  it('probes the MX hosts of a domain on the given port', async () => {
    const result = await runCliCaptured(['probe', '--json', '--server', dns.address, '--port', String(smtp.port), TEST_DOMAINS.probe]);
    assert.equal(result.code, EXIT.ok, result.stdout);
    const probe = JSON.parse(result.stdout) as ProbeResult;
    assert.equal(probe.hosts[0].outcome, 'accepting');
    assert.equal(probe.hosts[0].starttls, true);
    const text = await runCliCaptured(['probe', '--server', dns.address, '--port', String(smtp.port), TEST_DOMAINS.probe]);
    assert.match(text.stdout, /accepting +smtp\.probe\.test \(127\.0\.0\.1:\d+\) greets with 220, answers EHLO with 250; STARTTLS offered\./);
  });
});
