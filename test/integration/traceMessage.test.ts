// Following a message in the real VS Code: references, definition and hover on IDs in the fixture logs
// (trace/*.log, language "log"), the trace command over a file and a .gz, and the filter command's document and links.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as vscode from 'vscode';
import { COMMANDS, EXTENSION_ID } from '../../src/contributions';
import type { FilterResult } from '../../src/core/trace/filter';
import type { TraceResult } from '../../src/core/trace/trace';

const workspace = () => vscode.workspace.workspaceFolders![0].uri;
const fixture = (...parts: string[]) => vscode.Uri.joinPath(workspace(), ...parts);
const linesOfFile = (uri: vscode.Uri) => fs.readFileSync(uri.fsPath, 'utf8').split('\n');

/** The 0-based position of the `occurrence`-th `needle` on the 1-based line `line` (its second character). */
function positionOf(document: vscode.TextDocument, line: number, needle: string): vscode.Position {
  const column = document.lineAt(line - 1).text.indexOf(needle);
  assert.ok(column >= 0, `no ${needle} on line ${line}`);
  return new vscode.Position(line - 1, column + 1);
}

async function references(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Location[]> {
  return (await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', document.uri, position)) ?? [];
}

const markdownOf = (hover: vscode.Hover) => hover.contents.map((content) => (typeof content === 'string' ? content : content.value)).join('\n');

describe('Follow a message', () => {
  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  describe('Postfix with an amavis hand-off', () => {
    const chain = [2, 3, 4, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 18, 25, 26, 27, 28, 29];
    let document: vscode.TextDocument;
    before(async () => {
      document = await vscode.workspace.openTextDocument(fixture('trace', 'postfix-amavis.log'));
      await vscode.window.showTextDocument(document);
    });

    it('Shift+F12 on a queue ID, on the hand-off\'s new ID and on message-id=<…> gives exactly the chain\'s lines, each on its ID', async () => {
      for (const [line, needle] of [[2, '4C1D2E3F4A'], [10, '7E8F9A0B1C'], [16, '7E8F9A0B1C'], [3, '20250303100001.1234']] as const) {
        const locations = await references(document, positionOf(document, line, needle));
        assert.deepEqual(locations.map((location) => location.range.start.line + 1), chain, `${needle} on line ${line}`);
        for (const location of locations) {
          assert.equal(location.uri.toString(), document.uri.toString());
          assert.match(document.getText(location.range), /^(4C1D2E3F4A|7E8F9A0B1C)$/);
        }
      }
    });

    it('another message\'s ID gives only that message\'s lines, and a line without an ID none', async () => {
      assert.deepEqual((await references(document, positionOf(document, 19, '0A1B2C3D4E'))).map((location) => location.range.start.line + 1), [19, 20, 21, 22, 23]);
      assert.deepEqual(await references(document, positionOf(document, 1, 'connect from')), []);
    });

    it('F12 lands on the line where the message entered', async () => {
      for (const [line, needle] of [[16, '7E8F9A0B1C'], [13, '4C1D2E3F4A']] as const) {
        const definitions = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', document.uri, positionOf(document, line, needle));
        const ranges = definitions.map((definition) => ('targetRange' in definition ? definition.targetRange : definition.range));
        assert.deepEqual(ranges.map((range) => [range.start.line + 1, document.getText(range)]), [[2, '4C1D2E3F4A']]);
      }
    });

    it('the hover card on an ID lists each recipient\'s outcome, with only our trace command enabled', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, positionOf(document, 16, '7E8F9A0B1C'));
      const card = hovers.find((hover) => markdownOf(hover).includes('Postfix message'));
      assert.ok(card, 'a trace card');
      const text = markdownOf(card);
      assert.match(text, /Postfix message 4C1D2E3F4A/);
      assert.match(text, /Postfix message 7E8F9A0B1C/);
      assert.match(text, /alice@example\.com: \*\*delivered\*\*/);
      assert.match(text, /bob@example\.net: \*\*bounced 5\.1\.1 550 \(hard, user-unknown\)\*\*/);
      assert.match(text, /carol@example\.org: \*\*delivered after 2 deferrals\*\*/);
      assert.ok(text.includes(`command:${COMMANDS.traceMessage}?`));
      const markdown = card.contents[0] as vscode.MarkdownString;
      assert.deepEqual(markdown.isTrusted, { enabledCommands: [COMMANDS.traceMessage] });
      assert.notEqual(markdown.supportHtml, true);
    });
  });

  describe('Exim and Sendmail', () => {
    it('references follow an Exim message to the ID its filter gave it; definition lands on the arrival', async () => {
      const document = await vscode.workspace.openTextDocument(fixture('trace', 'exim.log'));
      const locations = await references(document, positionOf(document, 7, '1tAbCe-0001Xz-AB'));
      assert.deepEqual(locations.map((location) => location.range.start.line + 1), [1, 2, 3, 4, 5, 6, 7, 9]);
      const [definition] = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeDefinitionProvider', document.uri, positionOf(document, 7, '1tAbCe-0001Xz-AB'));
      assert.equal(definition.range.start.line, 0);
    });

    it('references find a Sendmail queue ID\'s lines', async () => {
      const document = await vscode.workspace.openTextDocument(fixture('trace', 'sendmail.log'));
      assert.deepEqual((await references(document, positionOf(document, 3, '523A1b2C003001'))).map((location) => location.range.start.line + 1), [1, 2, 3, 4]);
    });
  });

  describe('SMTP: Trace Message…', () => {
    /** The trace document's lines with their links' targets. */
    async function linkedLines(document: vscode.TextDocument) {
      const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', document.uri);
      return links.map((link) => ({ text: document.lineAt(link.range.start.line).text, target: link.target! }));
    }

    it('opens the chain\'s lines in a read-only Mail Log document, each linked to its source line', async () => {
      const source = fixture('trace', 'postfix-amavis.log');
      const result = await vscode.commands.executeCommand<TraceResult>(COMMANDS.traceMessage, source, undefined, { query: '4C1D2E3F4A' });
      assert.deepEqual(result.lines.map((line) => line.line), [2, 3, 4, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 18, 25, 26, 27, 28, 29]);
      const document = vscode.window.activeTextEditor!.document;
      assert.equal(document.uri.scheme, 'smtp-diagnostics-trace');
      assert.equal(document.languageId, 'smtp-log');
      assert.match(document.lineAt(0).text, /^Postfix message 4C1D2E3F4A/);
      const linked = await linkedLines(document);
      assert.equal(linked.length, result.lines.length);
      const sourceLines = linesOfFile(source);
      for (const { text, target } of linked) {
        assert.equal(target.with({ fragment: '' }).fsPath, source.fsPath);
        const line = Number(/^L(\d+)$/.exec(target.fragment)?.[1]);
        assert.equal(text, sourceLines[line - 1]);
      }
    });

    it('reads a .gz file selected in the Explorer, and links to its decompressed document', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smtp-diag-trace-'));
      try {
        const gz = vscode.Uri.file(path.join(dir, 'mainlog.1.gz'));
        fs.writeFileSync(gz.fsPath, gzipSync(fs.readFileSync(fixture('trace', 'exim.log').fsPath)));
        const result = await vscode.commands.executeCommand<TraceResult>(COMMANDS.traceMessage, gz, [gz], { query: 'bob@example.net' });
        assert.deepEqual(result.lines.map((line) => line.line), [1, 2, 3, 4, 5, 6, 7, 9]);
        const linked = await linkedLines(vscode.window.activeTextEditor!.document);
        assert.equal(linked[0].target.scheme, 'smtp-diagnostics-gz');
        assert.equal(linked[0].target.fragment, 'L1');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('SMTP: Filter Mail Log…', () => {
    it('holds exactly the failure lines, each linked to its source line; the source is unchanged', async () => {
      const source = fixture('maillog');
      const before = fs.readFileSync(source.fsPath);
      const result = await vscode.commands.executeCommand<FilterResult & { document: vscode.TextDocument }>(COMMANDS.filterMailLog, source, undefined, { filter: { kind: 'failures' } });
      const sourceLines = linesOfFile(source);
      const failures = sourceLines.filter((line) => /status=(?:bounced|expired)/.test(line));
      assert.ok(failures.length >= 2);
      const { document } = result;
      assert.equal(document.languageId, 'smtp-log');
      assert.equal(document.uri.scheme, 'smtp-diagnostics-filter');
      assert.equal(document.getText(), failures.join('\n'));
      const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', document.uri);
      assert.equal(links.length, failures.length);
      for (const link of links) {
        assert.equal(link.target!.with({ fragment: '' }).fsPath, source.fsPath);
        const line = Number(/^L(\d+)$/.exec(link.target!.fragment)?.[1]);
        assert.equal(document.lineAt(link.range.start.line).text, sourceLines[line - 1]);
      }
      assert.deepEqual(fs.readFileSync(source.fsPath), before);
    });

    it('keeps the hard bounces, the deferrals or one domain\'s lines as the engine judged them', async () => {
      const source = fixture('maillog');
      const run = async (filter: object) => (await vscode.commands.executeCommand<FilterResult>(COMMANDS.filterMailLog, source, undefined, { filter })).lines.map((line) => line.line);
      const sourceLines = linesOfFile(source);
      const numbersOf = (pattern: RegExp) => sourceLines.flatMap((line, index) => (pattern.test(line) ? [index + 1] : []));
      assert.deepEqual(await run({ kind: 'deferrals' }), numbersOf(/status=deferred/));
      assert.deepEqual(await run({ kind: 'domain', value: 'example.net' }), numbersOf(/to=<[^>]*@example\.net>/));
      // 5.3.2 and 5.1.1 both put the address on the list.
      assert.deepEqual(await run({ kind: 'hard' }), numbersOf(/dsn=5\.(?:3\.2|1\.1), status=bounced/));
    });
  });

  describe('on a 100,000-line log', () => {
    let dir: string;
    let document: vscode.TextDocument;
    let lines: string[];
    before(async function () {
      this.timeout(120_000);
      // The fixture's messages again and again, each copy with its own queue IDs and Message-IDs.
      lines = linesOfFile(fixture('trace', 'postfix-amavis.log')).filter(Boolean);
      const copies: string[] = [];
      for (let copy = 0; copies.length < 100_000; copy++) {
        const suffix = copy.toString(16).toUpperCase().padStart(5, '0');
        for (const line of lines) {
          copies.push(line.replace(/\b(4C1D2E3F4A|7E8F9A0B1C|0A1B2C3D4E)\b/g, (id) => `${id.slice(0, 5)}${suffix}`).replace(/message-id=<([^>]*)>/, `message-id=<${suffix}.$1>`));
        }
      }
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smtp-diag-trace-big-'));
      const file = path.join(dir, 'big.log');
      fs.writeFileSync(file, `${copies.slice(0, 100_000).join('\n')}\n`);
      document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('answers references and the hover in well under a second after the first call (figures printed)', async function () {
      this.timeout(120_000);
      let started = Date.now();
      const first = await references(document, positionOf(document, 2, '4C1D2'));
      const firstMs = Date.now() - started;
      assert.equal(first.length, 19);
      const times: number[] = [];
      for (let copy = 1; copy <= 20; copy++) {
        // Line 2 of a copy of the fixture: the client= line of its first message.
        const line = copy * 100 * lines.length + 2;
        const text = document.lineAt(line - 1).text;
        const position = new vscode.Position(line - 1, /\]: [0-9A-F]{10}: /.exec(text)!.index + 4);
        started = Date.now();
        const found = await references(document, position);
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
        times.push(Date.now() - started);
        assert.ok(found.length > 0 && hovers.some((hover) => markdownOf(hover).includes('Postfix message')), `line ${line}`);
      }
      times.sort((a, b) => a - b);
      console.log(`      100,000 lines: first references call ${firstMs} ms (builds the index); then references + hover: median ${times[10]} ms, max ${times[19]} ms`);
      // The goal is 100 ms; a loaded machine's message passing between the processes gets room here.
      assert.ok(times[19] < 1000, `slowest ${times[19]} ms`);
    });
  });
});
