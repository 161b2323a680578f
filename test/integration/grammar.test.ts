// Languages and grammars inside a real VS Code: which language each mail file opens as, and which scopes the
// status codes get.
//
// Why tokens are computed here and not read from the editor: VS Code has no public API for tokens, and the
// internal command `_workbench.captureSyntaxTokens` is registered only by the desktop workbench's test
// contribution; the web workbench of code-server 1.100.3 does not ship it. So the test uses what that command
// would use: VS Code's own `vscode-textmate` and `vscode-oniguruma` from `vscode.env.appRoot`, fed with the grammar
// contributions of every installed extension as the running VS Code reports them (`vscode.extensions.all`, which
// includes the built-in log grammar and our injection into it), over documents VS Code itself opened and assigned
// a language. `_workbench.colorizeTextMateTokens` then confirms the workbench's own TextMate tokenizer exists for
// each language. The rendered colours in the editor are checked by scripts/screenshots/grammar.mjs.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vscode from 'vscode';

interface GrammarContribution { language?: string; scopeName: string; path: string; injectTo?: string[] }
interface Token { startIndex: number; endIndex: number; scopes: string[] }
interface Grammar { tokenizeLine(line: string, state: unknown): { tokens: Token[]; ruleStack: unknown } }
interface TextMate {
  INITIAL: unknown;
  parseRawGrammar(content: string, filePath: string): unknown;
  Registry: new (options: object) => { loadGrammar(scopeName: string): Promise<Grammar | null> };
}
interface Oniguruma {
  loadWASM(data: ArrayBuffer): Promise<void>;
  OnigScanner: new (patterns: string[]) => unknown;
  OnigString: new (text: string) => unknown;
}

const POSTFIX_BOUNCE = 'Nov 27 09:14:05 mail postfix/smtp[2108]: 3F2A11C0B7: to=<no.such.user@example.net>, relay=mx.example.net[192.0.2.55]:25, delay=550, dsn=5.1.1, status=bounced (host mx.example.net[192.0.2.55] said: 550 5.1.1 User unknown (in reply to RCPT TO command))';
const DEFERRAL = 'Nov 27 09:20:11 mail postfix/smtp[2140]: 7A8B9C0D1E: to=<busy@example.info>, relay=mx.example.info[192.0.2.99]:25, delay=300, dsn=4.2.2, status=deferred (host mx.example.info[192.0.2.99] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command))';
const SENT = 'Nov 27 09:14:03 mail postfix/smtp[2107]: 3F2A11C0B7: to=<ana@example.com>, relay=mx1.example.com[192.0.2.10]:25, delay=1.1, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 8C1D2E3F4A)';
const BOUNCE_EML = [
  'From: MAILER-DAEMON@mx.example.org (Mail Delivery System)',
  'Subject: Undelivered Mail Returned to Sender',
  'Content-Type: multipart/report; report-type=delivery-status; boundary="B1"',
  '',
  '--B1',
  'Content-Type: message/delivery-status',
  '',
  'Reporting-MTA: dns; mx.example.org',
  '',
  'Final-Recipient: rfc822; no.such.user@example.net',
  'Action: failed',
  'Status: 5.1.1',
  'Diagnostic-Code: smtp; 550 5.1.1 User unknown',
  '',
  '--B1--',
].join('\n');

/** Files the test writes into the workspace copy, and the language VS Code must give each. */
const FILES: Record<string, { text: string; language: string }> = {
  'mail.log.2': { text: `${POSTFIX_BOUNCE}\n`, language: 'smtp-log' },
  'maillog-20261127': { text: `${POSTFIX_BOUNCE}\n`, language: 'smtp-log' },
  mainlog: { text: '2026-11-27 10:00:04 1tGxyz-000ABC-12 ** nobody@example.com R=dnslookup T=remote_smtp: 550 5.1.1 unknown\n', language: 'smtp-log' },
  // No name VS Code knows: the firstLine pattern recognises a Postfix syslog line.
  'messages-mx1': { text: `${POSTFIX_BOUNCE}\n`, language: 'smtp-log' },
  // A PowerMTA accounting file: its header line names the columns, "type" first.
  'acct-2026-11-27-0000.csv': {
    text: 'type,timeLogged,orig,rcpt,dsnStatus,dsnDiag\r\nb,1764234003,news@example.org,ben@example.com,5.1.1 (bad destination mailbox address),smtp;550 5.1.1 User unknown\r\n',
    language: 'smtp-log',
  },
  // A KumoMTA log segment (decompressed): a JSON record per line, "type" first.
  '20261127-022811': {
    text: '{"type":"Bounce","id":"1d98","sender":"news@example.org","recipient":"ben@example.com","response":{"code":550,"enhanced_code":{"class":5,"subject":1,"detail":1},"content":"User unknown","command":null},"timestamp":1764234003}\n',
    language: 'smtp-log',
  },
  'bounce.eml': { text: `${BOUNCE_EML}\n`, language: 'eml' },
  'delivery.log': { text: `${POSTFIX_BOUNCE}\n${DEFERRAL}\n${SENT}\n`, language: 'log' },
};

const codeScope = (kind: 'basic' | 'enhanced', statusClass: 'success' | 'transient' | 'permanent') =>
  `constant.numeric.status.${kind}.${statusClass}.smtp`;

let tokenizerFor: (scopeName: string) => Promise<Grammar>;

/** VS Code's scope for a language, from the running VS Code's grammar contributions. */
let scopeOfLanguage: Map<string, string>;

/** Tokens of every line of `document`, with their text. */
async function tokensOf(document: vscode.TextDocument): Promise<{ text: string; scopes: string[] }[][]> {
  const scopeName = scopeOfLanguage.get(document.languageId);
  assert.ok(scopeName, `no grammar contributed for ${document.languageId}`);
  const grammar = await tokenizerFor(scopeName);
  const textmate = loadFromVsCode<TextMate>('vscode-textmate/release/main.js');
  let state = textmate.INITIAL;
  const lines: { text: string; scopes: string[] }[][] = [];
  for (let line = 0; line < document.lineCount; line++) {
    const text = document.lineAt(line).text;
    const result = grammar.tokenizeLine(text, state);
    state = result.ruleStack;
    lines.push(result.tokens.map((token) => ({ text: text.slice(token.startIndex, token.endIndex), scopes: token.scopes })));
  }
  return lines;
}

function loadFromVsCode<T>(modulePath: string): T {
  const load = createRequire(path.join(vscode.env.appRoot, 'package.json'));
  return load(path.join(vscode.env.appRoot, 'node_modules', modulePath)) as T;
}

/** The tokens whose text is `text` on `line`, in order. */
function tokensWithText(lines: { text: string; scopes: string[] }[][], line: number, text: string): string[][] {
  return lines[line].filter((token) => token.text === text).map((token) => token.scopes);
}

describe('grammars: languages and status-code scopes in VS Code', () => {
  const documents = new Map<string, vscode.TextDocument>();

  before(async () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(folder, 'the integration workspace has a folder');
    for (const [name, { text }] of Object.entries(FILES)) {
      await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, 'grammar', name), new TextEncoder().encode(text));
    }
    for (const name of Object.keys(FILES)) documents.set(name, await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'grammar', name)));
    documents.set('maillog', await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'maillog')));

    const contributions = vscode.extensions.all.flatMap((extension) =>
      ((extension.packageJSON?.contributes?.grammars ?? []) as GrammarContribution[]).map((grammar) => ({ ...grammar, file: path.join(extension.extensionPath, grammar.path) })));
    scopeOfLanguage = new Map(contributions.filter((grammar) => grammar.language).map((grammar) => [grammar.language as string, grammar.scopeName]));
    const textmate = loadFromVsCode<TextMate>('vscode-textmate/release/main.js');
    const oniguruma = loadFromVsCode<Oniguruma>('vscode-oniguruma/release/main.js');
    const wasm = fs.readFileSync(path.join(vscode.env.appRoot, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new textmate.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
        createOnigString: (text: string) => new oniguruma.OnigString(text),
      }),
      loadGrammar: async (scopeName: string) => {
        const grammar = contributions.find((candidate) => candidate.scopeName === scopeName);
        return grammar ? textmate.parseRawGrammar(fs.readFileSync(grammar.file, 'utf8'), grammar.file) : null;
      },
      getInjections: (scopeName: string) => contributions.filter((grammar) => grammar.injectTo?.includes(scopeName)).map((grammar) => grammar.scopeName),
    });
    tokenizerFor = async (scopeName) => {
      const grammar = await registry.loadGrammar(scopeName);
      assert.ok(grammar, `VS Code has no grammar for ${scopeName}`);
      return grammar;
    };
  });

  it('opens maillog, rotated logs, mainlog, a Postfix syslog file, a PowerMTA accounting file and a KumoMTA log (first line) as smtp-log', () => {
    for (const name of ['maillog', 'mail.log.2', 'maillog-20261127', 'mainlog', 'messages-mx1', 'acct-2026-11-27-0000.csv', '20261127-022811']) {
      assert.equal(documents.get(name)?.languageId, 'smtp-log', name);
    }
  });

  it('opens .eml as eml and leaves .log to the built-in log language', () => {
    assert.equal(documents.get('bounce.eml')?.languageId, 'eml');
    assert.equal(documents.get('delivery.log')?.languageId, 'log');
    assert.equal(scopeOfLanguage.get('log'), 'text.log');
  });

  it('has a TextMate tokenizer in the workbench for smtp-log, eml and log', async () => {
    for (const name of ['maillog', 'bounce.eml', 'delivery.log']) {
      const result = await vscode.commands.executeCommand<{ tokenizeTime: number }>('_workbench.colorizeTextMateTokens', documents.get(name)?.uri);
      assert.equal(typeof result?.tokenizeTime, 'number', name);
    }
  });

  it('gives reply and enhanced codes separate class scopes in a mail log, and none to IPs or delay=', async () => {
    const lines = await tokensOf(documents.get('mail.log.2') as vscode.TextDocument);
    const [dsn, said] = tokensWithText(lines, 0, '5.1.1');
    assert.ok(dsn.includes(codeScope('enhanced', 'permanent')) && dsn.at(-1) === 'markup.deleted', dsn.join(' '));
    assert.ok(said.includes(codeScope('enhanced', 'permanent')));
    const replies = tokensWithText(lines, 0, '550');
    assert.equal(replies.length, 1, 'delay=550 is not a token of its own, the reply is');
    assert.ok(replies[0].includes(codeScope('basic', 'permanent')) && replies[0].at(-1) === 'markup.deleted');
    const coded = lines[0].filter((token) => token.scopes.some((scope) => scope.startsWith('constant.numeric.status'))).map((token) => token.text);
    assert.deepEqual(coded, ['5.1.1', '550', '5.1.1']);
  });

  it('colours DSN fields and the Diagnostic-Code of a bounce', async () => {
    const document = documents.get('bounce.eml') as vscode.TextDocument;
    const lines = await tokensOf(document);
    const lineOf = (prefix: string) => [...Array(document.lineCount).keys()].find((line) => document.lineAt(line).text.startsWith(prefix)) as number;
    assert.ok(tokensWithText(lines, lineOf('Status:'), '5.1.1')[0].includes(codeScope('enhanced', 'permanent')));
    assert.ok(tokensWithText(lines, lineOf('Action:'), 'failed')[0].includes('markup.deleted'));
    assert.ok(tokensWithText(lines, lineOf('Diagnostic-Code:'), '550')[0].includes(codeScope('basic', 'permanent')));
  });

  it('adds code scopes to the built-in log grammar through the injection, by class', async () => {
    const lines = await tokensOf(documents.get('delivery.log') as vscode.TextDocument);
    assert.equal(lines[0][0].scopes[0], 'text.log');
    // The log grammar makes delay=550 a number token of its own; only the reply after "said:" is a code.
    const [delay, reply] = tokensWithText(lines, 0, '550');
    assert.ok(!delay.some((scope) => scope.startsWith('constant.numeric.status')), delay.join(' '));
    assert.ok(reply.includes(codeScope('basic', 'permanent')) && reply.at(-1) === 'markup.deleted', reply.join(' '));
    assert.ok(tokensWithText(lines, 1, '452')[0].includes(codeScope('basic', 'transient')));
    assert.ok(tokensWithText(lines, 1, '4.2.2').every((scopes) => scopes.includes(codeScope('enhanced', 'transient')) && scopes.at(-1) === 'markup.changed'));
    assert.ok(tokensWithText(lines, 2, '250')[0].includes(codeScope('basic', 'success')));
    assert.ok(tokensWithText(lines, 2, '2.0.0').every((scopes) => scopes.at(-1) === 'markup.inserted'));
    // Nothing else on the line is a code: not the IP's numbers, the port, the pid or delay=550.
    const coded = lines[0].filter((token) => token.scopes.some((scope) => scope.startsWith('constant.numeric.status'))).map((token) => token.text);
    assert.deepEqual(coded, ['5.1.1', '550', '5.1.1']);
  });
});
