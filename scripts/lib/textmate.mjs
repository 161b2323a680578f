// The TextMate engine VS Code uses (vscode-textmate + vscode-oniguruma), loaded with the grammars this extension
// contributes in package.json and, optionally, VS Code's built-in log grammar from the code-server installation.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { codeServerDir, ensureCodeServer } from '../setup-code-server.mjs';
import { ROOT } from './paths.mjs';

const require = createRequire(import.meta.url);
const textmate = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

/** VS Code's built-in log grammar (scope text.log), as shipped in VS Code 1.100.3. Call ensureCodeServer() first. */
export const BUILTIN_LOG_GRAMMAR = join(codeServerDir, 'lib', 'vscode', 'extensions', 'log', 'syntaxes', 'log.tmLanguage.json');

/** Installs code-server when missing (CI installs it before `npm test`) and returns the log grammar's path. */
export function builtinLogGrammar() {
  ensureCodeServer();
  return BUILTIN_LOG_GRAMMAR;
}

let onigLoaded;
function onigLib() {
  onigLoaded ??= oniguruma.loadWASM(readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer).then(() => ({
    createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
    createOnigString: (text) => new oniguruma.OnigString(text),
  }));
  return onigLoaded;
}

/** An injection into text.log that never matches: what any injection costs the log grammar, whatever its rules. */
const EMPTY_INJECTION = { scopeName: 'text.log.empty-injection', injectionSelector: 'L:text.log -string -comment', patterns: [{ match: '(?!)' }] };

/**
 * A registry like VS Code's: our contributed grammars (with their injectTo), plus the built-in log grammar when
 * `withBuiltinLog` is set. `ownInjections: false` leaves our injection out, to measure the log grammar alone;
 * `emptyInjection: true` injects a rule that never matches instead, to measure the injection mechanism alone.
 */
export function createRegistry({ withBuiltinLog = false, ownInjections = true, emptyInjection = false } = {}) {
  const contributed = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).contributes.grammars;
  const paths = new Map(contributed.map((grammar) => [grammar.scopeName, join(ROOT, grammar.path)]));
  if (withBuiltinLog) paths.set('text.log', builtinLogGrammar());
  const injections = new Map();
  for (const grammar of ownInjections ? contributed : []) {
    for (const target of grammar.injectTo ?? []) injections.set(target, [...(injections.get(target) ?? []), grammar.scopeName]);
  }
  if (emptyInjection) injections.set('text.log', [EMPTY_INJECTION.scopeName]);
  return new textmate.Registry({
    onigLib: onigLib(),
    loadGrammar: async (scopeName) => {
      if (scopeName === EMPTY_INJECTION.scopeName) return textmate.parseRawGrammar(JSON.stringify(EMPTY_INJECTION), 'empty.json');
      const path = paths.get(scopeName);
      return path ? textmate.parseRawGrammar(readFileSync(path, 'utf8'), path) : null;
    },
    getInjections: (scopeName) => injections.get(scopeName) ?? [],
  });
}

export const INITIAL = textmate.INITIAL;
