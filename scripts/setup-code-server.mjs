// Installs code-server (VS Code 1.100.3 for the browser) into a git-ignored cache folder.
// It stays outside the project's dependency tree: its own postinstall would download ripgrep
// from GitHub, which our machines cannot reach, so each step it skips is done here by hand.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, symlinkSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const prefix = join(root, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
export const codeServerDir = join(prefix, 'node_modules', 'code-server');
export const codeServerBin = join(codeServerDir, 'out', 'node', 'entry.js');
const readyMarker = join(prefix, '.ready');

function npm(args, cwd) {
  console.log(`[setup-code-server] npm ${args.join(' ')}  (in ${cwd})`);
  execFileSync('npm', args, { cwd, stdio: 'inherit' });
}

function which(program) {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, program))) return join(dir, program);
  }
  return undefined;
}

export function ensureCodeServer() {
  if (existsSync(readyMarker)) return codeServerBin;
  const rg = which('rg');
  if (!rg) throw new Error('ripgrep is missing: install the Debian package "ripgrep" (apt-get install ripgrep).');
  rmSync(prefix, { recursive: true, force: true });
  mkdirSync(prefix, { recursive: true });
  writeFileSync(join(prefix, 'package.json'), JSON.stringify({ name: 'code-server-cache', private: true }));
  const quiet = ['--no-audit', '--no-fund', '--loglevel=error'];
  npm(['install', '--ignore-scripts', ...quiet, `code-server@${CODE_SERVER_VERSION}`], prefix);
  npm(['rebuild', 'argon2'], prefix);
  const vscodeDir = join(codeServerDir, 'lib', 'vscode');
  npm(['install', '--omit=dev', '--ignore-scripts', ...quiet], vscodeDir);
  symlinkSync('node_modules', join(vscodeDir, 'node_modules.asar'));
  const rgTarget = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg');
  mkdirSync(dirname(rgTarget), { recursive: true });
  copyFileSync(rg, rgTarget);
  chmodSync(rgTarget, 0o755);
  npm(['install', '--omit=dev', '--ignore-scripts', ...quiet], join(vscodeDir, 'extensions'));
  npm(['rebuild', '@vscode/spdlog', 'native-watchdog'], vscodeDir);
  writeFileSync(readyMarker, new Date().toISOString());
  return codeServerBin;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  ensureCodeServer();
  console.log(`[setup-code-server] ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${codeServerDir}`);
}
