// Command "SMTP: Check Domains of Hard Bounces": extracts the hard bounces of the active editor (or of the files it
// is given), groups the addresses by domain and checks each domain once: MX status, null MX and, if the user
// chooses, reachability of its mail servers. Progress and cancellation; a Markdown report in a new editor.
// Arguments (uri?, uris?, options?: { probe?: boolean }): without `probe`, the user is asked.
import * as vscode from 'vscode';
import { COMMANDS } from '../contributions';
import { ExtractionCancelled, extractBounces } from '../core/bounce';
import { bouncedDomainsReport, checkDomains, HostProbe, MxResult, parseDomain } from '../core/mx';
import { bounceInputsFor, EDITOR_READING } from '../editor/bounceInputs';
import { currentBouncePolicy } from '../editor/bouncePolicySetting';
import { openMarkdownReport, readMxSettings, withCancellableProgress } from './lookupMx';

export interface BouncedDomain {
  readonly domain: string;
  readonly asciiDomain: string;
  /** The hard-bounced addresses at this domain, sorted. */
  readonly addresses: readonly string[];
  readonly mx: MxResult;
  /** Present when the mail servers were tested. */
  readonly probes?: readonly HostProbe[];
}

/** Addresses grouped by domain (A-label form, so "Bücher.de" and "xn--bcher-kva.de" are one). */
function groupByDomain(addresses: readonly string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const address of addresses) {
    const parsed = parseDomain(address);
    const key = parsed.ok ? parsed.asciiDomain : address.slice(address.lastIndexOf('@') + 1);
    groups.set(key, [...(groups.get(key) ?? []), address]);
  }
  return groups;
}

async function askWhetherToProbe(): Promise<boolean | undefined> {
  const choice = await vscode.window.showQuickPick([
    { label: 'Check MX records', detail: 'DNS only', probe: false },
    { label: 'Check MX records and test mail servers', detail: 'Also connects to each MX host (greeting, EHLO, STARTTLS, QUIT)', probe: true },
  ], { title: 'Check Domains of Hard Bounces', ignoreFocusOut: true });
  return choice?.probe;
}

export function registerCheckBouncedDomains(): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.checkBouncedDomains, async (uri?: unknown, uris?: unknown, options?: { probe?: boolean }): Promise<BouncedDomain[] | undefined> => {
    const source = await bounceInputsFor(uri, uris);
    if (!source) {
      void vscode.window.showInformationMessage('Open a mail log or bounce message to check the domains of its hard bounces.');
      return undefined;
    }
    const settings = readMxSettings();
    if (!settings) return undefined;
    const probe = typeof options?.probe === 'boolean' ? options.probe : await askWhetherToProbe();
    if (probe === undefined) return undefined;
    let result: BouncedDomain[] | undefined;
    try {
      result = await withCancellableProgress(`Checking the domains of hard bounces in ${source.label}`, async (signal, progress) => {
        progress.report({ message: 'extracting hard bounces…' });
        const { records } = await extractBounces(source.inputs, { ...EDITOR_READING, policy: currentBouncePolicy(), signal, laterDelivered: false });
        const groups = groupByDomain(records.map((record) => record.address));
        let reported = 0;
        const checks = await checkDomains([...groups.keys()], {
          dns: settings.dns, concurrency: settings.concurrency, signal, ...(probe ? { probe: settings.probe } : {}),
          onProgress: (done, total) => {
            const percent = Math.floor((done / total) * 100);
            progress.report({ message: `${done} of ${total} checks`, increment: percent - reported });
            reported = percent;
          },
        });
        if (signal.aborted) return undefined;
        return checks.map((check) => ({
          domain: check.domain, asciiDomain: check.asciiDomain, addresses: (groups.get(check.asciiDomain || check.domain) ?? []).sort(),
          mx: check.mx, ...(check.probes ? { probes: check.probes } : {}),
        }));
      });
    } catch (error) {
      if (!(error instanceof ExtractionCancelled)) throw error;
    }
    if (!result) {
      void vscode.window.showInformationMessage('Domain check cancelled; no report was written.');
      return undefined;
    }
    if (result.length === 0) {
      void vscode.window.showInformationMessage(`No hard bounces found in ${source.label}.`);
      return [];
    }
    result.sort((left, right) => right.addresses.length - left.addresses.length || left.asciiDomain.localeCompare(right.asciiDomain));
    const rows = result.map((entry) => ({ check: { domain: entry.domain, asciiDomain: entry.asciiDomain, mx: entry.mx, probes: entry.probes }, addresses: entry.addresses }));
    await openMarkdownReport('Domains of hard bounces', bouncedDomainsReport(rows, source.label, settings.dns.servers));
    return result;
  });
}
