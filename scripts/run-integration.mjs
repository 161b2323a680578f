// Runs the integration suite (out/test/integration) inside a real VS Code: code-server 4.100.3 (VS Code 1.100.3)
// served on 127.0.0.1 and driven by headless Chromium. Usage: node scripts/run-integration.mjs [--no-build] [filter]
import { execFileSync } from 'node:child_process';
import { cpSync, copyFileSync, createWriteStream, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, startCodeServer, workbenchUrl } from './lib/code-server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const filter = args.find((arg) => !arg.startsWith('--'));
const SUITE_TIMEOUT_MS = Number(process.env.SMTP_DIAG_SUITE_TIMEOUT_MS ?? 15 * 60_000);

if (!args.includes('--no-build')) {
  execFileSync(process.execPath, [join(root, 'esbuild.js')], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', root], { cwd: root, stdio: 'inherit' });
}

// The extension host inherits code-server's environment: this is how the suite learns the filter.
process.env.SMTP_DIAG_TEST_FILTER = filter ?? '';

// The suite runs twice: in a trusted workspace (every test file but *.restricted.test.js), then in a workspace
// opened in restricted mode (only those), as an untrusted folder opens. The suite picks its files by the mode.
const total = { passed: 0, failed: 0, skipped: 0 };
for (const trusted of [true, false]) {
  const result = await runSuite({ trusted });
  for (const key of Object.keys(total)) total[key] += result[key];
}
console.log(`integration: ${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exitCode = total.failed > 0 ? 1 : 0;

/** One launch of code-server with the suite; returns its counts. */
async function runSuite({ trusted }) {
  // Tests may create and edit files: they get a copy of the fixture workspace, never the committed files.
  const workspace = mkdtempSync(join(tmpdir(), 'smtp-diag-workspace-'));
  cpSync(join(root, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });

  const evidenceDir = join(root, 'test-results', `integration-${trusted ? '' : 'restricted-'}${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(evidenceDir, { recursive: true });

  const server = await startCodeServer({ workspace, logDir: evidenceDir, trusted });
  const browser = await launchChromium();
  let result = { passed: 0, failed: 0, skipped: 0 };
  let page;
  try {
    let resolveExit;
    const exited = new Promise((resolve) => { resolveExit = resolve; });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // The browser console goes to the evidence folder; SMTP_DIAG_DEBUG=1 prints it too.
    const consoleLog = createWriteStream(join(evidenceDir, 'browser-console.log'));
    page.on('console', (message) => {
      consoleLog.write(`[${new Date().toISOString()} ${message.type()}] ${message.text()}\n`);
      if (process.env.SMTP_DIAG_DEBUG) console.log(`[page ${message.type()}] ${message.text()}`);
    });
    page.on('crash', () => resolveExit('the browser page crashed'));
    page.on('close', () => resolveExit('the browser page closed'));
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
    await page.exposeFunction('codeAutomationLog', (type, logArgs) => {
      const parts = typeof logArgs === 'string' ? safeParse(logArgs) : logArgs;
      const text = (Array.isArray(parts) ? parts : [parts]).map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(' ');
      const marker = /^integration-result (\{.*\})$/m.exec(text);
      if (marker) result = JSON.parse(marker[1]);
      // The gallery (open-vsx.org) is unreachable here by design; its lookup errors are noise.
      else if (text.includes('open-vsx.org')) return;
      else if (type === 'error') console.error(text);
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
    if (result.failed > 0) {
      const screenshot = join(evidenceDir, 'screenshot.png');
      try {
        await page?.screenshot({ path: screenshot });
        console.error(`Evidence: screenshot ${screenshot}`);
      } catch (error) {
        console.error(`No screenshot: ${error.message}`);
      }
      console.error(`Evidence: server log ${server.logPath}`);
      copyFileSync(server.logPath, join(evidenceDir, 'code-server.copy.log'));
    }
    await browser.close();
    await server.stop();
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
