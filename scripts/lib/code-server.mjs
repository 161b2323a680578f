// Starts code-server (VS Code 1.100.3 in the browser) on loopback, and drives it with headless Chromium.
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCodeServer } from '../setup-code-server.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Nothing beyond loopback: background services off, and every host name but the loopback ones resolves to nothing,
// so no DNS query leaves the machine whatever a page asks for.
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic', '--disable-domain-reliability', '--no-pings',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost',
];

/**
 * code-server's environment: an empty gallery definition turns the extension gallery off (its default is
 * open-vsx.org), so neither the workbench nor the server looks an extension up, and the theme picker offers no
 * Marketplace entry. scripts/check-hermetic.mjs proves both halves.
 */
export const CODE_SERVER_ENV = { EXTENSIONS_GALLERY: '{}', VSCODE_PROXY_URI: '' };

/** User settings for a test or demo profile: no update checks, telemetry or recommendations. */
const USER_SETTINGS = {
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'chat.commandCenter.enabled': false,
  'window.commandCenter': false,
  'git.openRepositoryInParentFolders': 'never',
};

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealthy(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with code ${child.exitCode} before it was ready`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`code-server did not answer on ${url} within ${timeoutMs} ms`);
}

/** With `trusted: false`, workspace trust is on and the workspace opens in restricted mode, without asking. */
const RESTRICTED_SETTINGS = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
  'security.workspace.trust.emptyWindow': false,
};

/**
 * Starts code-server for `workspace` with a fresh profile. Returns its URL, the server log path and stop().
 * `install` lists .vsix files installed into the profile before it starts.
 * `settings` are merged into the profile's user settings; `port` defaults to a free one. `trusted: false` opens the
 * workspace in restricted mode (workspace trust), as a folder from an unknown source opens.
 */
export async function startCodeServer({ workspace, settings = {}, logDir, port: requestedPort, trusted = true, env = CODE_SERVER_ENV, install = [] } = {}) {
  const entry = ensureCodeServer();
  const profile = mkdtempSync(join(tmpdir(), 'smtp-diag-vscode-'));
  const userDataDir = join(profile, 'user-data');
  const extensionsDir = join(profile, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...USER_SETTINGS, ...(trusted ? {} : RESTRICTED_SETTINGS), ...settings }, null, 2));
  // Packages to install into the profile first, as a user installs a .vsix.
  for (const vsix of install) {
    execFileSync(process.execPath, [entry, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix], { env: { ...process.env, ...env }, stdio: 'ignore' });
  }
  const port = requestedPort ?? await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logPath = join(logDir ?? profile, 'code-server.log');
  const log = createWriteStream(logPath);
  const child = spawn(process.execPath, [
    entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
    '--disable-telemetry', '--disable-update-check', ...(trusted ? ['--disable-workspace-trust'] : []), '--disable-getting-started-override',
    workspace,
  // A process group of its own, so that stop() ends the extension hosts and helpers it forks too (they outlive a
  // SIGTERM to code-server alone).
  ], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env }, detached: true });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  // The profile is temporary: it goes with the server (a log asked for in logDir stays).
  const removeProfile = () => rmSync(profile, { recursive: true, force: true });
  const signalGroup = (signal) => { try { process.kill(-child.pid, signal); } catch { /* already gone */ } };
  const stop = () => new Promise((resolve) => {
    const done = () => { signalGroup('SIGKILL'); log.end(); removeProfile(); resolve(); };
    if (child.exitCode !== null) return done();
    child.once('exit', done);
    signalGroup('SIGTERM');
    setTimeout(() => signalGroup('SIGKILL'), 3000).unref();
  });
  // This process ending any way but through stop() must not leave the group serving.
  process.once('exit', () => signalGroup('SIGKILL'));
  try {
    await waitForHealthy(url, child, 60_000);
  } catch (error) {
    await stop();
    error.message += ` (server log: ${logPath})`;
    throw error;
  }
  return { url, port, logPath, profile, userDataDir, stop };
}

/**
 * The workbench URL that opens `workspace` with the extension at `extensionPath` in development mode, and the file
 * `openFile` in an editor when given.
 */
export function workbenchUrl(server, { workspace, extensionPath, testsPath, openFile }) {
  const remote = (path) => `vscode-remote://127.0.0.1:${server.port}${path}`;
  const payload = [['skipWelcome', 'true']];
  if (extensionPath) payload.push(['extensionDevelopmentPath', remote(extensionPath)]);
  if (testsPath) payload.push(['extensionTestsPath', remote(testsPath)]);
  if (openFile) payload.push(['openFile', remote(openFile)]);
  return `${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}
