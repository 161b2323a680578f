// The structure of a bounce message (.eml) or an mbox in the Outline, the breadcrumbs and the folding ranges: header
// blocks, the MIME tree with each part's type, charset, encoding and size, the returned original, and one entry per
// DSN recipient with its Action and Status.
import * as vscode from 'vscode';
import { messageStructure } from '../core/mime/structure';
import type { MimeNode, MimeNodeKind } from '../core/mime/structure';

const SELECTOR = { language: 'eml' };
const SYMBOL_KINDS: Record<MimeNodeKind, vscode.SymbolKind> = {
  message: vscode.SymbolKind.Module,
  headers: vscode.SymbolKind.Namespace,
  part: vscode.SymbolKind.Object,
  recipient: vscode.SymbolKind.Field,
};

/** The structure of a document, computed once per version: the outline and the folding ask for it in turn. */
export function structureOf(document: vscode.TextDocument): MimeNode[] {
  const cached = cache.get(document);
  if (cached?.version === document.version) return cached.nodes;
  const lines = Array.from({ length: document.lineCount }, (_, line) => document.lineAt(line).text);
  const nodes = messageStructure(lines);
  cache.set(document, { version: document.version, nodes });
  return nodes;
}
const cache = new WeakMap<vscode.TextDocument, { version: number; nodes: MimeNode[] }>();

function symbolOf(document: vscode.TextDocument, node: MimeNode): vscode.DocumentSymbol {
  const range = new vscode.Range(node.startLine, 0, node.endLine, document.lineAt(node.endLine).text.length);
  const symbol = new vscode.DocumentSymbol(node.label || '(empty)', node.detail, SYMBOL_KINDS[node.kind], range, new vscode.Range(node.startLine, 0, node.startLine, 0));
  symbol.children = node.children.map((child) => symbolOf(document, child));
  return symbol;
}

function foldingRanges(nodes: readonly MimeNode[], into: vscode.FoldingRange[]): vscode.FoldingRange[] {
  for (const node of nodes) {
    if (node.endLine > node.startLine) into.push(new vscode.FoldingRange(node.startLine, node.endLine, node.kind === 'headers' ? vscode.FoldingRangeKind.Imports : vscode.FoldingRangeKind.Region));
    foldingRanges(node.children, into);
  }
  return into;
}

export function registerMessageStructure(): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.languages.registerDocumentSymbolProvider(SELECTOR, {
      provideDocumentSymbols: (document) => structureOf(document).map((node) => symbolOf(document, node)),
    }, { label: 'Message structure' }),
    vscode.languages.registerFoldingRangeProvider(SELECTOR, {
      provideFoldingRanges: (document) => foldingRanges(structureOf(document), []),
    }),
  );
}
