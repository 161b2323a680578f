// The `start` layer of npm test: `npm start` serves VS Code with samples/maillog open, and a SIGTERM to npm stops
// everything it started (the script and code-server), as Ctrl+C does.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkLayer, until } from './lib/check-layer.mjs';
import { root } from './lib/workbench-page.mjs';

const { check: report, finish } = checkLayer('start');
const answers = async (url) => { try { return (await fetch(`${url}/healthz`)).ok; } catch { return false; } };

const scratch = mkdtempSync(join(tmpdir(), 'smtp-diag-start-'));
const urlFile = join(scratch, 'url');
const npm = spawn('npm', ['start', '--silent'], { cwd: root, env: { ...process.env, SMTP_DIAG_URL_FILE: urlFile }, stdio: ['ignore', 'ignore', 'inherit'] });
try {
  const started = await until(() => existsSync(urlFile), 120_000);
  report(started, 'npm start prints a URL');
  if (started) {
    const url = readFileSync(urlFile, 'utf8');
    const base = new URL(url).origin;
    report(await answers(base), `code-server answers at ${base}`);
    const payload = JSON.parse(new URL(url).searchParams.get('payload') ?? '[]');
    report(payload.some(([key, value]) => key === 'openFile' && value.endsWith('/samples/maillog')), 'the URL opens samples/maillog');
    npm.kill('SIGTERM');
    const exited = await until(() => npm.exitCode !== null || npm.signalCode !== null, 20_000);
    const gone = await until(async () => !(await answers(base)), 20_000);
    report(exited && gone, `SIGTERM to npm stops npm and code-server (npm exited: ${exited}; server gone: ${gone})`);
  }
} finally {
  if (npm.exitCode === null && npm.signalCode === null) npm.kill('SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
}
finish();
