// The MX commands in a real VS Code, against a real DNS server (and SMTP server) that this suite starts on
// loopback inside the extension host, with smtpDiagnostics.dns.servers pointing at it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { COMMANDS, EXTENSION_ID, SETTINGS, SETTINGS_PREFIX } from '../../src/contributions';
import type { MxResult, ProbeResult } from '../../src/core/mx';
import type { BouncedDomain } from '../../src/features/checkBouncedDomains';
import { RunningDnsServer, startDnsServer, TEST_DOMAINS } from '../support/dns-server';
import { RunningServer, startSmtpServer } from '../support/smtp-server';

const settings = () => vscode.workspace.getConfiguration(SETTINGS_PREFIX);
const untitled = () => new Set(vscode.workspace.textDocuments.filter((doc) => doc.isUntitled).map((doc) => doc.uri.toString()));

/** Runs a command and returns its result and the report it opened: a new untitled Markdown document. */
async function run<T>(command: string, ...args: unknown[]): Promise<{ result: T; report: string }> {
  const before = untitled();
  const result = await vscode.commands.executeCommand<T>(command, ...args);
  const opened = vscode.workspace.textDocuments.filter((doc) => doc.isUntitled && !before.has(doc.uri.toString()) && doc.languageId === 'markdown');
  assert.equal(opened.length, 1, 'the command opened one new untitled Markdown editor');
  return { result, report: opened[0].getText() };
}

/** Shows a document with the cursor at line/character and waits until the extension host sees it so. */
async function placeCursor(document: vscode.TextDocument, line: number, character: number): Promise<void> {
  const editor = await vscode.window.showTextDocument(document);
  editor.selection = new vscode.Selection(line, character, line, character);
  for (let waited = 0; waited < 2000; waited += 20) {
    const active = vscode.window.activeTextEditor;
    if (active?.document === document && active.selection.active.isEqual(new vscode.Position(line, character))) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail('the editor did not become active with the cursor in place');
}

/**
 * Closes every editor without saving (reports are untitled, hence dirty, and must not prompt), and waits until the
 * extension host has let go of the untitled documents: VS Code reuses their names, and a stale one would be
 * mistaken for the next report.
 */
async function closeEditorsWithoutSaving(): Promise<void> {
  for (let waited = 0; waited < 5000 && (vscode.window.visibleTextEditors.length > 0 || untitled().size > 0); waited += 50) {
    if (vscode.window.visibleTextEditors.length > 0) await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('MX commands', () => {
  let dns: RunningDnsServer;
  let smtp: RunningServer;

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    [dns, smtp] = await Promise.all([startDnsServer(), startSmtpServer('accepting')]);
    await settings().update(SETTINGS.dnsServers, [dns.address], vscode.ConfigurationTarget.Global);
    await settings().update(SETTINGS.dnsTimeoutMs, 3000, vscode.ConfigurationTarget.Global);
    await settings().update(SETTINGS.smtpPort, smtp.port, vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    for (const name of [SETTINGS.dnsServers, SETTINGS.dnsTimeoutMs, SETTINGS.smtpPort]) await settings().update(name, undefined, vscode.ConfigurationTarget.Global);
    await Promise.all([dns?.close(), smtp?.close()]);
  });
  afterEach(closeEditorsWithoutSaving);

  it('looks up a domain given as argument, returns the result object and opens a Markdown report', async () => {
    const { result, report } = await run<MxResult>(COMMANDS.lookupMx, TEST_DOMAINS.multi);
    const { durationMs, ...rest } = result;
    assert.ok(durationMs >= 0);
    assert.deepEqual(rest, {
      domain: 'multi.test', asciiDomain: 'multi.test', nullMx: false, implicitMx: false, warnings: [], error: null,
      records: [
        { exchange: 'mx1.multi.test', priority: 10, addresses: [{ address: '192.0.2.1', family: 4, ttl: 600 }, { address: '2001:db8::1', family: 6, ttl: 600 }] },
        { exchange: 'mx2.multi.test', priority: 20, addresses: [{ address: '192.0.2.2', family: 4, ttl: 300 }] },
        { exchange: 'mx3.multi.test', priority: 30, addresses: [{ address: '192.0.2.3', family: 4, ttl: 300 }] },
      ],
    });
    assert.match(report, /^# MX records: multi\.test$/m);
    assert.match(report, /^\| 10 \| `mx1\.multi\.test` \| `192\.0\.2\.1` \(TTL 600 s\), `2001:db8::1` \(TTL 600 s\) \|$/m);
    assert.ok(report.includes(`\`${dns.address}\``), 'the report names the DNS server asked');
  });

  it('takes the address under the cursor and reports a null MX and an IDN in both forms', async () => {
    const document = await vscode.workspace.openTextDocument({ content: 'to=<info@nullmx.test>, status=bounced\nto=<kontakt@bücher.test>\n', language: 'plaintext' });
    await placeCursor(document, 0, 8);
    const nullMx = (await run<MxResult>(COMMANDS.lookupMx)).result;
    assert.equal(nullMx.asciiDomain, 'nullmx.test');
    assert.equal(nullMx.nullMx, true);
    await placeCursor(document, 1, 6);
    const { result: idn, report } = await run<MxResult>(COMMANDS.lookupMx);
    assert.deepEqual([idn.domain, idn.asciiDomain, idn.records[0].exchange], ['bücher.test', 'xn--bcher-kva.test', 'mx.xn--bcher-kva.test']);
    assert.match(report, /Domain: `bücher\.test` \(A-labels: `xn--bcher-kva\.test`\)/);
  });

  it('reports NXDOMAIN as a result, not a failure of the command', async () => {
    const { result, report } = await run<MxResult>(COMMANDS.lookupMx, TEST_DOMAINS.nxDomain);
    assert.equal(result.error?.code, 'NXDOMAIN');
    assert.match(report, /\*\*NXDOMAIN\*\*: does-not-exist\.test does not exist/);
  });

  it('tests the mail servers of a domain on the configured port', async () => {
    const { result, report } = await run<ProbeResult>(COMMANDS.probeSmtp, TEST_DOMAINS.probe);
    assert.deepEqual(result.hosts.map((host) => [host.exchange, host.address, host.port, host.outcome, host.starttls]), [['smtp.probe.test', '127.0.0.1', smtp.port, 'accepting', true]]);
    assert.match(report, /1 of 1 MX hosts accept connections/);
  });

  it('offers the MX lookup as a command link when hovering an address, without looking anything up', async () => {
    const document = await vscode.workspace.openTextDocument({ content: 'Nov 27 10:00:00 relay postfix/smtp[1]: to=<ana@multi.test>, status=sent\n', language: 'smtp-log' });
    await vscode.window.showTextDocument(document);
    const queriesBefore = dns.queries.length;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, new vscode.Position(0, 45));
    const markdown = hovers.flatMap((hover) => hover.contents).map((content) => (content as vscode.MarkdownString).value).join('\n');
    const argument = encodeURIComponent(JSON.stringify(['multi.test']));
    assert.ok(markdown.includes(`[Look up MX for multi.test](command:${COMMANDS.lookupMx}?${argument} `), markdown);
    assert.equal(dns.queries.length, queriesBefore, 'hovering sends no DNS query');
  });

  it('checks the domains of the hard bounces of the active editor', async () => {
    const log = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'mx', 'bounces.log');
    const bytesBefore = fs.readFileSync(log.fsPath);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(log));
    const { result, report } = await run<BouncedDomain[]>(COMMANDS.checkBouncedDomains, undefined, undefined, { probe: false });
    // Deferred (implicit.test) and delivered (probe.test) recipients are not hard bounces.
    assert.deepEqual(result.map((entry) => [entry.asciiDomain, entry.addresses.length, entry.mx.nullMx, entry.mx.error?.code ?? null, entry.mx.records.length]), [
      ['multi.test', 2, false, null, 3],
      ['does-not-exist.test', 1, false, 'NXDOMAIN', 0],
      ['nullmx.test', 1, true, null, 0],
      ['xn--bcher-kva.test', 1, false, null, 1],
    ]);
    assert.deepEqual(result[0].addresses, ['ana@multi.test', 'bruno@multi.test']);
    assert.match(report, /^- 5 hard-bounced addresses at 4 domains$/m);
    assert.match(report, /^\| `nullmx\.test` \| 1 \| null MX: accepts no mail \| yes \| not tested \|$/m);
    assert.match(report, /^\| `does-not-exist\.test` \| 1 \| NXDOMAIN \| no \| not tested \|$/m);
    assert.deepEqual(fs.readFileSync(log.fsPath), bytesBefore, 'the log is not modified');
  });
});
