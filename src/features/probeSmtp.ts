// Command "SMTP: Test Mail Server Availability…": looks up the domain's MX hosts and connects to each on the
// configured port (greeting, EHLO, STARTTLS, QUIT). Runs only when the user asks. Same input rules as the MX
// lookup; opens a Markdown report and returns the ProbeResult (undefined when the input is cancelled).
import * as vscode from 'vscode';
import { COMMANDS } from '../contributions';
import { probeDomain, ProbeResult, probeReport } from '../core/mx';
import { chooseDomain, openMarkdownReport, readMxSettings, withCancellableProgress } from './lookupMx';

export function registerProbeSmtp(): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.probeSmtp, async (argument?: unknown): Promise<ProbeResult | undefined> => {
    const domain = await chooseDomain(argument, 'Test Mail Server Availability');
    if (domain === undefined) return undefined;
    const settings = readMxSettings();
    if (!settings) return undefined;
    const title = `Testing the mail servers of ${domain} (port ${settings.probe.port})`;
    const result = await withCancellableProgress(title, (signal) => probeDomain(domain, settings.dns, settings.probe, { signal, concurrency: settings.concurrency }));
    await openMarkdownReport(`SMTP test ${result.domain}`, probeReport(result, settings.dns.servers));
    return result;
  });
}
