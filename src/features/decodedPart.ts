// Encoded text of a bounce made readable: a hover on an RFC 2047 encoded word (=?UTF-8?B?…?=) shows it decoded, and
// a CodeLens above each base64 or quoted-printable part (or the command, at the cursor's part) opens its body decoded
// by its charset in a read-only editor. The source document is only read.
import * as vscode from 'vscode';
import { COMMANDS } from '../contributions';
import { decodeEncodedWords } from '../core/bounce/charset';
import { escapeMarkdown } from '../core/markdown';
import { decodePartBody } from '../core/mime/decodePart';
import type { MimeNode } from '../core/mime/structure';
import { structureOf } from './messageStructure';

export const DECODED_SCHEME = 'smtp-decoded';
const SELECTOR = { language: 'eml' };
const ENCODED_WORD = /=\?[^?\s]{1,64}\?[BbQq]\?[^?\s]{0,2000}\?=/g;
const DECODED_ENCODINGS = new Set(['base64', 'quoted-printable']);

/** Parts whose body has a transfer encoding worth undoing, in document order. */
function encodedParts(nodes: readonly MimeNode[], into: MimeNode[] = []): MimeNode[] {
  for (const node of nodes) {
    if (node.body && DECODED_ENCODINGS.has(node.body.encoding)) into.push(node);
    encodedParts(node.children, into);
  }
  return into;
}

/** The virtual document of a part: named after it, pointing at the source document and the part's first line. */
function decodedUri(source: vscode.Uri, part: MimeNode): vscode.Uri {
  const name = `${part.body?.contentType.replace(/\//g, '-') ?? 'part'}-line-${part.startLine + 1}.txt`;
  return vscode.Uri.from({ scheme: DECODED_SCHEME, path: `/${name}`, query: JSON.stringify({ source: source.toString(), line: part.startLine }) });
}

async function decodedText(uri: vscode.Uri): Promise<string> {
  const { source, line } = JSON.parse(uri.query) as { source: string; line: number };
  const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(source, true));
  const part = encodedParts(structureOf(document)).find((node) => node.startLine === line);
  if (!part?.body) return `The part at line ${line + 1} of ${source} is gone (the message changed).\n`;
  const body = document.getText(new vscode.Range(part.body.startLine, 0, part.endLine + 1, 0));
  const decoded = await decodePartBody(body, part.body.encoding, part.body.contentType, part.body.charset);
  return decoded.text;
}

/** How far around the cursor an encoded word is looked for: a word is at most a few hundred characters. */
const HOVER_WINDOW = 2100;

function encodedWordHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
  const from = Math.max(0, position.character - HOVER_WINDOW);
  const line = document.lineAt(position.line).text.slice(from, position.character + HOVER_WINDOW);
  for (const match of line.matchAll(ENCODED_WORD)) {
    const start = from + match.index;
    if (position.character < start || position.character > start + match[0].length) continue;
    // Text from the message is data: escaped, no HTML, no command links.
    const text = new vscode.MarkdownString(`Decoded: ${escapeMarkdown(decodeEncodedWords(match[0]))}`);
    text.supportHtml = false;
    return new vscode.Hover(text, new vscode.Range(position.line, start, position.line, start + match[0].length));
  }
  return undefined;
}

/** The encoded part holding the cursor of the active editor. */
function partAtCursor(): { document: vscode.TextDocument; part: MimeNode } | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'eml') return undefined;
  const line = editor.selection.active.line;
  const part = encodedParts(structureOf(editor.document)).filter((node) => node.startLine <= line && line <= node.endLine).at(-1);
  return part && { document: editor.document, part };
}

export function registerDecodedPart(): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.workspace.registerTextDocumentContentProvider(DECODED_SCHEME, { provideTextDocumentContent: decodedText }),
    vscode.languages.registerHoverProvider(SELECTOR, { provideHover: encodedWordHover }),
    vscode.languages.registerCodeLensProvider(SELECTOR, {
      provideCodeLenses: (document) => encodedParts(structureOf(document)).map((part) => new vscode.CodeLens(new vscode.Range(part.startLine, 0, part.startLine, 0), {
        title: `Open decoded (${[part.body?.contentType, part.body?.charset, part.body?.encoding].filter(Boolean).join(', ')})`,
        command: COMMANDS.openDecodedPart,
        arguments: [document.uri, part.startLine],
      })),
    }),
    vscode.commands.registerCommand(COMMANDS.openDecodedPart, async (uri?: unknown, line?: unknown) => {
      let target: { document: vscode.TextDocument; part: MimeNode } | undefined;
      if (uri instanceof vscode.Uri && typeof line === 'number') {
        const document = await vscode.workspace.openTextDocument(uri);
        const part = encodedParts(structureOf(document)).find((node) => node.startLine === line);
        target = part && { document, part };
      } else target = partAtCursor();
      if (!target) {
        void vscode.window.showInformationMessage('Put the cursor in a base64 or quoted-printable part of a message (.eml) to open it decoded.');
        return undefined;
      }
      const decoded = await vscode.workspace.openTextDocument(decodedUri(target.document.uri, target.part));
      await vscode.window.showTextDocument(decoded, { preview: false, viewColumn: vscode.ViewColumn.Beside });
      return decoded;
    }),
  );
}
