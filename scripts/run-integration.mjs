// Runs the integration suite (out/test/integration) inside a real VS Code: code-server 4.100.3 (VS Code 1.100.3)
// served on 127.0.0.1 and driven by headless Chromium. Usage: node scripts/run-integration.mjs [--no-build] [filter]
import { execFileSync } from 'node:child_process';
import { cpSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, startCodeServer, workbenchUrl } from './lib/code-server.mjs';
import { outsideReaches } from './lib/hermetic.mjs';
import { answerPageRequest } from './lib/report-view.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const filter = args.find((arg) => !arg.startsWith('--'));
const SUITE_TIMEOUT_MS = Number(process.env.SMTP_DIAG_SUITE_TIMEOUT_MS ?? 15 * 60_000);

if (!args.includes('--no-build')) {
  execFileSync(process.execPath, [join(root, 'esbuild.js')], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', root], { cwd: root, stdio: 'inherit' });
}

// The extension host inherits code-server's environment: this is how the suite learns the filter, and where the
// answers to its page requests (what only the page can do: a webview's pixels, a click in it) are written.
process.env.SMTP_DIAG_TEST_FILTER = filter ?? '';
const pageReplies = mkdtempSync(join(tmpdir(), 'smtp-diag-page-replies-'));
process.env.SMTP_DIAG_PAGE_REPLIES = pageReplies;

// The suite runs twice: in a trusted workspace (every test file but *.restricted.test.js), then in a workspace
// opened in restricted mode (only those), as an untrusted folder opens. The suite picks its files by the mode.
const total = { passed: 0, failed: 0, skipped: 0 };
for (const trusted of [true, false]) {
  const result = await runSuite({ trusted });
  for (const key of Object.keys(total)) total[key] += result[key];
}
rmSync(pageReplies, { recursive: true, force: true });
console.log(`integration: ${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exitCode = total.failed > 0 ? 1 : 0;

/** One launch of code-server with the suite; returns its counts. */
async function runSuite({ trusted }) {
  // Tests may create and edit files: they get a copy of the fixture workspace, never the committed files.
  const workspace = mkdtempSync(join(tmpdir(), 'smtp-diag-workspace-'));
  cpSync(join(root, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });

  // Evidence is kept only when something failed.
  const evidenceDir = join(root, 'test-results', `integration-${trusted ? '' : 'restricted-'}${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const browserConsole = [];

  const server = await startCodeServer({ workspace, trusted });
  const browser = await launchChromium();
  let result = { passed: 0, failed: 0, skipped: 0 };
  let page;
  try {
    let resolveExit;
    const exited = new Promise((resolve) => { resolveExit = resolve; });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // The browser console goes to the evidence folder on a failure; SMTP_DIAG_DEBUG=1 prints it too.
    page.on('console', (message) => {
      browserConsole.push(`[${new Date().toISOString()} ${message.type()}] ${message.text()}`);
      if (process.env.SMTP_DIAG_DEBUG) console.log(`[page ${message.type()}] ${message.text()}`);
    });
    page.on('crash', () => resolveExit('the browser page crashed'));
    page.on('close', () => resolveExit('the browser page closed'));
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
    // The workbench logs its own start-up and expected errors (a cancelled quick pick is a CodeExpectedError) through
    // the same channel as the suite: only the suite's lines are printed, unless SMTP_DIAG_DEBUG=1.
    let suiteStarted = false;
    await page.exposeFunction('codeAutomationLog', (type, logArgs) => {
      const parts = typeof logArgs === 'string' ? safeParse(logArgs) : logArgs;
      const text = (Array.isArray(parts) ? parts : [parts]).map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(' ');
      browserConsole.push(`[automation ${type}] ${text}`);
      const marker = /^integration-result (\{.*\})$/m.exec(text);
      if (marker) { result = JSON.parse(marker[1]); return; }
      const pageRequest = /^integration-page-request (\{.*\})$/m.exec(text);
      if (pageRequest) { void answerPageRequest(page, JSON.parse(pageRequest[1]), pageReplies, browserConsole); return; }
      suiteStarted ||= text.startsWith('Integration suite in VS Code');
      if (!process.env.SMTP_DIAG_DEBUG && (!suiteStarted || text.startsWith('CodeExpectedError'))) return;
      if (type === 'error') console.error(text);
      else console.log(text);
    });
    const url = workbenchUrl(server, {
      workspace,
      extensionPath: root,
      testsPath: join(root, 'out', 'test', 'integration', 'index.js'),
    });
    await page.goto(url);
    const timer = setTimeout(() => resolveExit('timeout'), SUITE_TIMEOUT_MS);
    const exitCode = await exited;
    clearTimeout(timer);
    if (typeof exitCode === 'string') {
      console.error(exitCode === 'timeout' ? `The integration suite did not finish within ${SUITE_TIMEOUT_MS / 1000} s.` : `Integration run stopped: ${exitCode}.`);
      result.failed += 1;
    } else if (exitCode !== 0 && result.failed === 0) {
      // The extension host failed before or outside mocha (e.g. the suite did not load).
      result.failed += 1;
    }
  } catch (error) {
    console.error(`Integration runner error: ${error.stack ?? error}`);
    result.failed += 1;
  } finally {
    // Nothing may reach beyond loopback: the server log shows any lookup or request that tried.
    const outside = outsideReaches(readLog(server.logPath));
    if (outside.length > 0) {
      console.error(`    ✘ the run reached beyond loopback:\n${outside.slice(0, 5).map((line) => `        ${line}`).join('\n')}`);
      result.failed += 1;
    }
    if (result.failed > 0) {
      mkdirSync(evidenceDir, { recursive: true });
      writeFileSync(join(evidenceDir, 'browser-console.log'), `${browserConsole.join('\n')}\n`);
      const screenshot = join(evidenceDir, 'screenshot.png');
      try {
        await page?.screenshot({ path: screenshot });
        console.error(`Evidence: screenshot ${screenshot}`);
      } catch (error) {
        console.error(`No screenshot: ${error.message}`);
      }
      copyFileSync(server.logPath, join(evidenceDir, 'code-server.log'));
      console.error(`Evidence: ${evidenceDir}`);
    }
    await browser.close();
    await server.stop();
    rmSync(workspace, { recursive: true, force: true });
  }

  return result;
}

function safeParse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function readLog(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
