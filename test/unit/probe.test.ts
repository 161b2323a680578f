import * as assert from 'node:assert/strict';
import { probeDomain, probeHost } from '../../src/core/mx/probe';
import { RunningDnsServer, startDnsServer, TEST_DOMAINS } from '../support/dns-server';
import { closedLoopbackPort, RunningServer, startSilentTcpServer, startSmtpServer } from '../support/smtp-server';

const target = { exchange: 'smtp.probe.test', priority: 10, address: '127.0.0.1' };

describe('SMTP probe against real servers on loopback', () => {
  let accepting: RunningServer;
  let rejecting: RunningServer;
  let silent: RunningServer;

  before(async () => {
    [accepting, rejecting, silent] = await Promise.all([startSmtpServer('accepting'), startSmtpServer('rejecting'), startSilentTcpServer()]);
  });
  after(() => Promise.all([accepting.close(), rejecting.close(), silent.close()]));

  it('reads the greeting, sends EHLO, sees STARTTLS offered and says QUIT', async () => {
    const result = await probeHost(target, { port: accepting.port, timeoutMs: 10_000 });
    assert.equal(result.outcome, 'accepting', result.message);
    assert.equal(result.greeting?.code, 220);
    assert.match(result.greeting?.lines[0] ?? '', /^mx\.probe\.test ESMTP test server/);
    assert.equal(result.ehlo?.code, 250);
    assert.equal(result.starttls, true);
    assert.equal(result.quit?.code, 221);
    assert.match(result.message, /STARTTLS offered/);
  });

  it('sees when STARTTLS is not offered', async () => {
    const plain = await startSmtpServer('plain');
    try {
      const result = await probeHost(target, { port: plain.port, timeoutMs: 10_000 });
      assert.equal(result.outcome, 'accepting');
      assert.equal(result.ehlo?.code, 250);
      assert.equal(result.starttls, false);
      assert.match(result.message, /STARTTLS not offered/);
    } finally {
      await plain.close();
    }
  });

  it('reports a 554 greeting as a refusal, not an error', async () => {
    const result = await probeHost(target, { port: rejecting.port, timeoutMs: 10_000 });
    assert.equal(result.outcome, 'rejecting');
    assert.equal(result.greeting?.code, 554);
    assert.deepEqual(result.greeting?.lines, ['No SMTP service here']);
    assert.equal(result.ehlo, undefined, 'no EHLO after a refusal');
    assert.equal(result.starttls, false);
  });

  it('gives up on a server that accepts and never speaks, within the time limit', async () => {
    const started = Date.now();
    const result = await probeHost(target, { port: silent.port, timeoutMs: 400 });
    const elapsed = Date.now() - started;
    assert.equal(result.outcome, 'timeout');
    assert.match(result.message, /no greeting within 400 ms/);
    assert.ok(elapsed >= 380 && elapsed < 1500, `took ${elapsed} ms`);
    assert.ok(silent.connections() >= 1);
  });

  it('reports a closed port as refused', async () => {
    const result = await probeHost(target, { port: await closedLoopbackPort(), timeoutMs: 10_000 });
    assert.equal(result.outcome, 'refused');
    assert.match(result.message, /no mail server listens/);
  });

  it('reports a host without address without connecting anywhere', async () => {
    const result = await probeHost({ ...target, address: null }, { port: 1, timeoutMs: 10_000 });
    assert.equal(result.outcome, 'no-address');
  });

  describe('of a domain', () => {
    let dns: RunningDnsServer;
    before(async () => { dns = await startDnsServer(); });
    after(() => dns.close());

    it('looks up the MX hosts and probes each one', async () => {
      const result = await probeDomain(TEST_DOMAINS.probe, { servers: [dns.address], timeoutMs: 10_000, tries: 1 }, { port: accepting.port, timeoutMs: 10_000 });
      assert.equal(result.mx.error, null);
      assert.deepEqual(result.hosts.map((host) => [host.exchange, host.address, host.outcome]), [['smtp.probe.test', '127.0.0.1', 'accepting']]);
    });

    it('probes nothing for a null-MX domain', async () => {
      const before = accepting.connections();
      const result = await probeDomain(TEST_DOMAINS.nullMx, { servers: [dns.address], timeoutMs: 10_000, tries: 1 }, { port: accepting.port, timeoutMs: 10_000 });
      assert.equal(result.mx.nullMx, true);
      assert.deepEqual(result.hosts, []);
      assert.equal(accepting.connections(), before);
    });
  });
});
