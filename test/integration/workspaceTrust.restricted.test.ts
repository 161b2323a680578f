// Run by the integration runner in a second launch whose workspace opens in restricted mode, as a folder from an
// unknown source opens. What package.json's capabilities.untrustedWorkspaces promises: the extension works (hover,
// extraction, MX lookups, SMTP tests), and the workspace cannot redirect DNS lookups or SMTP tests, because its
// values of smtpDiagnostics.dns.servers and smtp.port are ignored while the user's own values apply.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { COMMANDS, EXTENSION_ID, SETTINGS, SETTINGS_PREFIX } from '../../src/contributions';
import type { BounceRecord } from '../../src/core/bounce';
import type { MxResult, ProbeResult } from '../../src/core/mx';
import { RunningDnsServer, startDnsServer, TEST_DOMAINS } from '../support/dns-server';
import { RunningServer, startSmtpServer } from '../support/smtp-server';

const settings = () => vscode.workspace.getConfiguration(SETTINGS_PREFIX);
const workspace = () => vscode.workspace.workspaceFolders![0].uri;

describe('untrusted workspace (restricted mode)', () => {
  let userDns: RunningDnsServer;
  let workspaceDns: RunningDnsServer;
  let userSmtp: RunningServer;
  let workspaceSmtp: RunningServer;

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    [userDns, workspaceDns, userSmtp, workspaceSmtp] = await Promise.all([startDnsServer(), startDnsServer(), startSmtpServer('accepting'), startSmtpServer('accepting')]);
    await settings().update(SETTINGS.dnsServers, [userDns.address], vscode.ConfigurationTarget.Global);
    await settings().update(SETTINGS.smtpPort, userSmtp.port, vscode.ConfigurationTarget.Global);
    // What a hostile repository would ship: its own DNS server and SMTP port for this extension.
    const folder = vscode.Uri.joinPath(workspace(), '.vscode');
    fs.mkdirSync(folder.fsPath, { recursive: true });
    fs.writeFileSync(vscode.Uri.joinPath(folder, 'settings.json').fsPath, JSON.stringify({
      [`${SETTINGS_PREFIX}.${SETTINGS.dnsServers}`]: [workspaceDns.address],
      [`${SETTINGS_PREFIX}.${SETTINGS.smtpPort}`]: workspaceSmtp.port,
      // Not restricted, so it applies: it shows that VS Code has read the file.
      [`${SETTINGS_PREFIX}.${SETTINGS.dnsTimeoutMs}`]: 2500,
    }));
    // Wait until VS Code has read the file, so that ignoring the two values is VS Code's decision, not a race.
    for (let waited = 0; waited < 10_000 && settings().get(SETTINGS.dnsTimeoutMs) !== 2500; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(settings().get(SETTINGS.dnsTimeoutMs), 2500, 'VS Code read the workspace settings');
  });
  after(async () => {
    for (const name of [SETTINGS.dnsServers, SETTINGS.smtpPort]) await settings().update(name, undefined, vscode.ConfigurationTarget.Global);
    await Promise.all([userDns, workspaceDns, userSmtp, workspaceSmtp].map((server) => server?.close()));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('runs in an untrusted workspace, and its hover and extraction work there', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const log = vscode.Uri.joinPath(workspace(), 'bounces', 'postfix-bounces.log');
    const records = await vscode.commands.executeCommand<BounceRecord[]>(COMMANDS.extractHardBounces, log);
    assert.deepEqual(records.map((record) => record.address), ['Alice@example.com', 'erin@bücher.example']);
    const document = await vscode.workspace.openTextDocument(log);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, document.positionAt(document.getText().indexOf('5.1.1') + 1));
    assert.ok(hovers.length > 0);
  });

  it('looks MX records up with the user\'s DNS server, never the one the workspace names', async () => {
    const result = await vscode.commands.executeCommand<MxResult>(COMMANDS.lookupMx, TEST_DOMAINS.multi);
    assert.equal(result.records.length, 3);
    assert.ok(userDns.queries.length > 0);
    assert.deepEqual(workspaceDns.queries, []);
  });

  it('tests mail servers on the user\'s SMTP port, never the one the workspace names', async () => {
    const result = await vscode.commands.executeCommand<ProbeResult>(COMMANDS.probeSmtp, TEST_DOMAINS.probe);
    assert.deepEqual(result.hosts.map((host) => [host.address, host.port, host.outcome]), [['127.0.0.1', userSmtp.port, 'accepting']]);
  });
});
