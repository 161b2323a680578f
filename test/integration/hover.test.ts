// The status-code hover in the real VS Code: opened documents get the card without anyone calling activate().
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS, EXTENSION_ID } from '../../src/contributions';

interface Fixture {
  readonly file: string;
  readonly languageId: string;
}

// The same lines in each supported language (hover/bounce.eml has its own layout, tested below).
const FIXTURES: readonly Fixture[] = [
  { file: 'hover/bounce.log', languageId: 'log' },
  { file: 'hover/notes.txt', languageId: 'plaintext' },
  { file: 'hover/maillog', languageId: 'smtp-log' },
];

function fixtureUri(file: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace is open');
  return vscode.Uri.joinPath(folder.uri, ...file.split('/'));
}

function languageContributed(languageId: string): boolean {
  const languages = (vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON.contributes?.languages ?? []) as { id: string }[];
  return languages.some((language) => language.id === languageId);
}

/** Our card at the `occurrence`-th place where `needle` starts on the line holding `lineMarker` (offset into the needle). */
async function hoverAt(document: vscode.TextDocument, lineMarker: string, needle: string, offset = 0, occurrence = 0): Promise<{ hover?: vscode.Hover; text?: string; column: number; line: number }> {
  const line = document.getText().split(/\r?\n/).findIndex((text) => text.includes(lineMarker));
  assert.ok(line >= 0, `no line with ${lineMarker}`);
  const text = document.lineAt(line).text;
  let column = text.indexOf(needle);
  for (let n = 0; n < occurrence; n += 1) column = text.indexOf(needle, column + 1);
  assert.ok(column >= 0, `no ${needle} on line ${line}`);
  column += offset;
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, new vscode.Position(line, column));
  const ours = hovers.find((hover) => hover.contents.some((content) => markdownOf(content).includes(`command:${COMMANDS.explainCode}`)));
  return { hover: ours, text: ours && ours.contents.map(markdownOf).join('\n'), column, line };
}

function markdownOf(content: vscode.MarkdownString | vscode.MarkedString): string {
  return typeof content === 'string' ? content : content.value;
}

describe('status-code hover', () => {
  it('activates on the languages it serves, so no activate() call is needed', () => {
    const events = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON.activationEvents as string[];
    for (const language of ['smtp-log', 'eml', 'log', 'plaintext']) assert.ok(events.includes(`onLanguage:${language}`), language);
  });

  for (const fixture of FIXTURES) {
    describe(`in a ${fixture.languageId} document (${fixture.file})`, () => {
      let document: vscode.TextDocument;
      before(async function () {
        if (!languageContributed(fixture.languageId) && !['log', 'plaintext'].includes(fixture.languageId)) this.skip();
        document = await vscode.workspace.openTextDocument(fixtureUri(fixture.file));
        await vscode.window.showTextDocument(document);
        assert.equal(document.languageId, fixture.languageId);
      });

      it('explains "550 5.3.2" as one card for both codes, over the whole pair', async () => {
        const { hover, text, line, column } = await hoverAt(document, 'said: 550 5.3.2 System', '550 5.3.2', 6);
        assert.ok(hover && text, 'a card');
        assert.match(text, /\*\*550 5\.3\.2\*\*/);
        assert.match(text, /System not accepting network messages/);
        assert.match(text, /hard bounce/);
        assert.ok(text.includes('[Explain 550]'), 'the reply code explained one click away');
        assert.match(text, /Likely causes/);
        assert.match(text, /What to do/);
        assert.ok(hover.range, 'a range');
        assert.deepEqual([hover.range.start.line, hover.range.start.character, hover.range.end.character], [line, column - 6, column - 6 + '550 5.3.2'.length]);
        // Hovering the reply code gives the same card.
        assert.equal((await hoverAt(document, 'said: 550 5.3.2 System', '550 5.3.2', 1)).text, text);
      });

      it('explains dsn=5.3.2 and links the full explanation and an MX lookup of the recipient domain', async () => {
        const { text } = await hoverAt(document, 'said: 550 5.3.2 System', 'dsn=5.3.2', 'dsn='.length + 2);
        assert.ok(text);
        assert.match(text, /\*\*5\.3\.2\*\* · System not accepting network messages/);
        assert.ok(text.includes(`command:${COMMANDS.explainCode}?${encodeURIComponent(JSON.stringify(['5.3.2']))}`));
        assert.ok(text.includes(`command:${COMMANDS.lookupMx}?${encodeURIComponent(JSON.stringify(['legacy-corp.example']))}`));
      });

      it('explains Status: 5.3.2', async () => {
        const { text } = await hoverAt(document, 'Status: 5.3.2', '5.3.2');
        assert.ok(text);
        assert.match(text, /\*\*5\.3\.2\*\*/);
      });

      it('follows the bounce policy settings', async () => {
        const settings = vscode.workspace.getConfiguration('smtpDiagnostics');
        await settings.update('bounce.softCodes', ['5.3.*'], vscode.ConfigurationTarget.Global);
        try {
          assert.match((await hoverAt(document, 'Status: 5.3.2', '5.3.2')).text ?? '', /\*\*soft bounce\*\*/);
        } finally {
          await settings.update('bounce.softCodes', undefined, vscode.ConfigurationTarget.Global);
        }
        assert.match((await hoverAt(document, 'Status: 5.3.2', '5.3.2')).text ?? '', /\*\*hard bounce\*\*/);
      });

      it('shows nothing on an IP address, a pid or a time', async () => {
        assert.equal((await hoverAt(document, 'connect from', '10.4.1.2', 3)).hover, undefined);
        assert.equal((await hoverAt(document, 'connect from', '2101')).hover, undefined);
        assert.equal((await hoverAt(document, 'connect from', '09:14:02')).hover, undefined);
      });

      it('renders a malicious line inert: only our commands are enabled, no document text becomes a link or HTML', async () => {
        const { hover, text } = await hoverAt(document, '[click me]', '550 5.3.2', 5);
        assert.ok(hover && text);
        assert.ok(!text.includes('workbench.action.terminal'), 'no foreign command link');
        assert.ok(!/<img|<b>|onerror|evil\.example\/p\.png/.test(text), 'no HTML or remote image from the line');
        const markdown = hover.contents[0] as vscode.MarkdownString;
        assert.notEqual(markdown.supportHtml, true);
        assert.deepEqual(markdown.isTrusted, { enabledCommands: [COMMANDS.explainCode, COMMANDS.lookupMx] });
      });
    });
  }

  describe('in a bounce message (.eml)', () => {
    let document: vscode.TextDocument;
    before(async () => {
      document = await vscode.workspace.openTextDocument(fixtureUri('hover/bounce.eml'));
      await vscode.window.showTextDocument(document);
    });

    it('opens as the eml language once the grammar contributes it', function () {
      if (!languageContributed('eml')) this.skip();
      assert.equal(document.languageId, 'eml');
    });

    it('explains Status: 5.3.2, Diagnostic-Code: smtp; 550 5.3.2 and the wrapped 550 5.3.2 line', async () => {
      assert.match((await hoverAt(document, 'Status: 5.3.2', '5.3.2')).text ?? '', /\*\*5\.3\.2\*\*/);
      assert.match((await hoverAt(document, 'Diagnostic-Code:', '550 5.3.2', 7)).text ?? '', /\*\*550 5\.3\.2\*\*/);
      assert.match((await hoverAt(document, '    550 5.3.2 System', '550')).text ?? '', /\*\*550 5\.3\.2\*\*/);
    });

    it('shows nothing on the IP address', async () => {
      assert.equal((await hoverAt(document, 'said:', '10.4.1.2', 2)).hover, undefined);
    });

    it('offers an MX lookup of the Final-Recipient\'s domain', async () => {
      const { text } = await hoverAt(document, 'Status: 5.3.2', '5.3.2');
      assert.ok(text?.includes(`command:${COMMANDS.lookupMx}?${encodeURIComponent(JSON.stringify(['legacy-corp.example']))}`), text);
    });
  });

  describe('in an Exim main log', () => {
    it('offers an MX lookup of the recipient\'s domain, not of the H= relay host', async () => {
      const document = await vscode.workspace.openTextDocument(fixtureUri('hover/exim/mainlog'));
      await vscode.window.showTextDocument(document);
      const { text } = await hoverAt(document, ' ** jane@', '550 5.1.1', 6);
      assert.match(text ?? '', /\*\*550 5\.1\.1\*\*/);
      assert.ok(text?.includes(`command:${COMMANDS.lookupMx}?${encodeURIComponent(JSON.stringify(['recipient.example']))}`), text);
      assert.ok(!text?.includes('relay-host.example'), 'the relay host is not offered');
    });
  });
});
