// Command "SMTP: Look Up MX Records…": the domain comes from the argument, the selection, the address or domain
// under the cursor, or an input box that validates as you type. Opens a Markdown report in a new untitled editor
// and returns the MxResult (undefined when the user cancels the input). Also holds what the probe and batch
// commands share with it: reading the settings, choosing the domain and opening a report.
import * as vscode from 'vscode';
import { COMMANDS, SETTINGS, SETTINGS_PREFIX } from '../contributions';
import {
  DEFAULT_CONCURRENCY, DEFAULT_DNS_OPTIONS, DEFAULT_PROBE_OPTIONS, DnsOptions, domainTokenAt, lookupMx, MAX_CONCURRENCY, MxResult,
  mxReport, parseDnsServers, parseDomain, ProbeOptions,
} from '../core/mx';
import { Limiter } from '../core/mx/limiter';

export interface MxSettings {
  readonly dns: DnsOptions;
  readonly concurrency: number;
  readonly probe: ProbeOptions;
}

/**
 * A whole-number setting within the range package.json declares. settings.json is not checked against that range,
 * so a value outside it is named in `problems` and replaced by the nearest valid one (a non-number by the default).
 */
function wholeNumber(settings: vscode.WorkspaceConfiguration, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const value = settings.get<unknown>(name);
  const valid = typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, Math.floor(value))) : fallback;
  if (value !== undefined && value !== valid) problems.push(`${SETTINGS_PREFIX}.${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}; ${valid} is used.`);
  return valid;
}

/**
 * The DNS and SMTP settings at the moment of use; undefined (after telling the user) when the servers are invalid.
 * An out-of-range number is used at its nearest valid value, with a warning that names the setting.
 */
export function readMxSettings(): MxSettings | undefined {
  const settings = vscode.workspace.getConfiguration(SETTINGS_PREFIX);
  const configured = settings.get<unknown>(SETTINGS.dnsServers);
  const servers = parseDnsServers(Array.isArray(configured) ? configured.filter((entry): entry is string => typeof entry === 'string') : []);
  if (!servers.ok) {
    void vscode.window.showErrorMessage(`Setting ${SETTINGS_PREFIX}.${SETTINGS.dnsServers}: ${servers.reason}. Nothing was looked up.`);
    return undefined;
  }
  const problems: string[] = [];
  const mxSettings = {
    dns: {
      servers: servers.servers,
      timeoutMs: wholeNumber(settings, SETTINGS.dnsTimeoutMs, DEFAULT_DNS_OPTIONS.timeoutMs, 100, 60_000, problems),
      tries: wholeNumber(settings, SETTINGS.dnsTries, DEFAULT_DNS_OPTIONS.tries, 1, 10, problems),
    },
    concurrency: wholeNumber(settings, SETTINGS.dnsConcurrency, DEFAULT_CONCURRENCY, 1, MAX_CONCURRENCY, problems),
    probe: {
      port: wholeNumber(settings, SETTINGS.smtpPort, DEFAULT_PROBE_OPTIONS.port, 1, 65535, problems),
      timeoutMs: wholeNumber(settings, SETTINGS.smtpTimeoutMs, DEFAULT_PROBE_OPTIONS.timeoutMs, 100, 300_000, problems),
    },
  };
  if (problems.length > 0) void vscode.window.showWarningMessage(`Invalid setting${problems.length > 1 ? 's' : ''}: ${problems.join(' ')}`);
  return mxSettings;
}

/**
 * The domain a command works on: a string argument as given, else a selection that is a domain or address, else
 * the address or domain under the cursor, else what the user types (validated as they type). Undefined: cancelled.
 */
export async function chooseDomain(argument: unknown, prompt: string): Promise<string | undefined> {
  if (typeof argument === 'string') return argument;
  const editor = vscode.window.activeTextEditor;
  let suggestion = '';
  if (editor) {
    const selected = editor.document.getText(editor.selection).trim();
    if (selected !== '' && parseDomain(selected).ok) return selected;
    const cursor = editor.selection.active;
    const token = domainTokenAt(editor.document.lineAt(cursor.line).text, cursor.character);
    if (token && selected === '') return token.domain;
    suggestion = selected.split(/\r?\n/)[0].slice(0, 255);
  }
  return vscode.window.showInputBox({
    title: prompt,
    prompt: 'A domain (example.com), an address (user@example.com) or an international name (bücher.de)',
    value: suggestion,
    ignoreFocusOut: true,
    validateInput: (value) => {
      const parsed = parseDomain(value);
      return parsed.ok ? undefined : `Not a domain: ${parsed.reason}.`;
    },
  });
}

let reportCount = 0;

/**
 * Opens a report in a new untitled Markdown editor named after `title` ("MX bücher.de (1).md"); the user's documents
 * are never touched. A fresh name each time, so an untitled document that VS Code is still restoring or disposing
 * (same "Untitled-N" name) is never reused.
 */
export async function openMarkdownReport(title: string, markdown: string): Promise<void> {
  const safeTitle = title.replace(/[^\p{L}\p{N} .@-]/gu, '_').slice(0, 80);
  for (;;) {
    reportCount += 1;
    const document = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'untitled', path: `${safeTitle} (${reportCount}).md` }));
    // A name restored from an earlier session already has text: take the next one.
    if (document.getText() !== '') continue;
    const editor = await vscode.window.showTextDocument(document, { preview: false });
    await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), markdown));
    if (document.languageId !== 'markdown') await vscode.languages.setTextDocumentLanguage(document, 'markdown');
    return;
  }
}

/** Runs `work` under a cancellable progress notification; its AbortSignal follows the Cancel button. */
export function withCancellableProgress<T>(title: string, work: (signal: AbortSignal, progress: vscode.Progress<{ message?: string; increment?: number }>) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    return work(controller.signal, progress);
  });
}

export function registerLookupMx(): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.lookupMx, async (argument?: unknown): Promise<MxResult | undefined> => {
    const domain = await chooseDomain(argument, 'Look Up MX Records');
    if (domain === undefined) return undefined;
    const settings = readMxSettings();
    if (!settings) return undefined;
    const result = await withCancellableProgress(`Looking up MX records of ${domain}`, (signal) => lookupMx(domain, settings.dns, { signal, limiter: new Limiter(settings.concurrency) }));
    await openMarkdownReport(`MX ${result.domain}`, mxReport(result, settings.dns.servers));
    return result;
  });
}
