import * as assert from 'node:assert/strict';
import { checkDomains } from '../../src/core/mx/batch';
import { mapWithLimit } from '../../src/core/mx/limiter';
import { bouncedDomainsReport, inlineCode, mxReport } from '../../src/core/mx/report';
import { lookupMx } from '../../src/core/mx/lookup';
import { DnsOptions } from '../../src/core/mx/types';
import { RunningDnsServer, startDnsServer, TEST_DOMAINS, TEST_ZONE, withBenchDomains } from '../support/dns-server';
import { RunningServer, startSmtpServer } from '../support/smtp-server';

describe('batch MX check', () => {
  let dns: RunningDnsServer;
  let smtp: RunningServer;
  let options: DnsOptions;
  const bench = withBenchDomains(new Map(), 60);

  before(async () => {
    const zone = new Map([...bench.zone, ...TEST_ZONE]);
    [dns, smtp] = await Promise.all([startDnsServer(zone), startSmtpServer('accepting')]);
    options = { servers: [dns.address], timeoutMs: 10_000, tries: 2 };
  });
  after(() => Promise.all([dns.close(), smtp.close()]));

  it('never runs more tasks than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    await mapWithLimit(Array.from({ length: 40 }, (_, index) => index), 5, async () => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 2));
      running -= 1;
    });
    assert.equal(peak, 5);
  });

  it('looks up each distinct domain once and each shared MX host once per run', async () => {
    dns.queries.length = 0;
    const inputs = [...bench.domains, 'ana@D0.bench.test', 'd1.bench.test.'];
    const progress: number[] = [];
    const checks = await checkDomains(inputs, { dns: options, concurrency: 8, onProgress: (done) => progress.push(done) });
    assert.equal(checks.length, 60);
    assert.ok(checks.every((check) => check.mx.error === null && check.mx.records[0].addresses.length === 1));
    assert.equal(dns.queries.filter((query) => query.type === 'MX').length, 60);
    // 20 shared MX hosts, each asked A and AAAA exactly once.
    assert.equal(dns.queries.filter((query) => query.type === 'A').length, 20);
    assert.deepEqual(progress, Array.from({ length: 60 }, (_, index) => index + 1));
  });

  it('keeps each domain\'s own outcome and probes only when asked', async () => {
    const inputs = [TEST_DOMAINS.probe, TEST_DOMAINS.nullMx, TEST_DOMAINS.nxDomain];
    const dnsOnly = await checkDomains(inputs, { dns: options, concurrency: 2 });
    assert.deepEqual(dnsOnly.map((check) => check.probes), [undefined, undefined, undefined]);
    const probed = await checkDomains(inputs, { dns: options, concurrency: 2, probe: { port: smtp.port, timeoutMs: 10_000 } });
    assert.deepEqual(probed.map((check) => [check.asciiDomain, check.mx.nullMx, check.mx.error?.code ?? null, check.probes?.map((probe) => probe.outcome)]), [
      ['probe.test', false, null, ['accepting']],
      ['nullmx.test', true, null, []],
      ['does-not-exist.test', false, 'NXDOMAIN', []],
    ]);
  });

  it('stops starting lookups once cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const checks = await checkDomains(bench.domains.slice(0, 5), { dns: options, concurrency: 2, signal: controller.signal });
    assert.deepEqual(checks.map((check) => check.mx.error?.code), Array(5).fill('CANCELLED'));
  });
});

describe('MX reports', () => {
  it('keeps hostile names and banners inert', () => {
    assert.equal(inlineCode('a|b'), '`a\\|b`');
    assert.equal(inlineCode('x`y'), '``x`y``');
    assert.equal(inlineCode('line\nbreak'), '`line?break`');
    const report = mxReport({
      domain: 'evil.test', asciiDomain: 'evil.test', nullMx: false, implicitMx: false, error: null, durationMs: 1,
      records: [{ exchange: '[x](command:evil)', priority: 10, addresses: [] }],
      warnings: [{ kind: 'mx-no-address', message: '<img src=x> [click](command:evil)' }],
    }, []);
    // Outside code spans, no link or tag may survive unescaped.
    const outsideCode = report.replace(/`[^`]*`/g, '');
    assert.ok(!/[^\\]\]\(command:/.test(outsideCode), report);
    assert.ok(!/[^\\]<img/.test(outsideCode), report);
    assert.match(report, /`\[x\]\(command:evil\)`/);
  });

  it('lists each bounced domain with its address count, MX status and null MX', async () => {
    const dns = await startDnsServer();
    try {
      const options = { servers: [dns.address], timeoutMs: 2000, tries: 1 };
      const [nullMx, multi] = await Promise.all([lookupMx(TEST_DOMAINS.nullMx, options), lookupMx(TEST_DOMAINS.multi, options)]);
      const report = bouncedDomainsReport([
        { check: { domain: nullMx.domain, asciiDomain: nullMx.asciiDomain, mx: nullMx }, addresses: ['a@nullmx.test', 'b@nullmx.test'] },
        { check: { domain: multi.domain, asciiDomain: multi.asciiDomain, mx: multi }, addresses: ['c@multi.test'] },
      ], 'maillog', [dns.address]);
      assert.match(report, /^- 3 hard-bounced addresses at 2 domains$/m);
      assert.match(report, /^\| `nullmx\.test` \| 2 \| null MX: accepts no mail \| yes \| not tested \|$/m);
      assert.match(report, /^\| `multi\.test` \| 1 \| 3 MX, 3 with an address \| no \| not tested \|$/m);
    } finally {
      await dns.close();
    }
  });
});
