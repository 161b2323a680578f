// The `package` layer of npm test: `npm run vsix` makes a package under 1 MB, with its icon and without the README's
// pictures, and VS Code (code-server) with that package installed, not the development folder, answers a hover.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkLayer } from './lib/check-layer.mjs';
import { launchChromium, startCodeServer, workbenchUrl } from './lib/code-server.mjs';
import { root, runCommand } from './lib/workbench-page.mjs';

const { check: report, finish } = checkLayer('package');

const scratch = mkdtempSync(join(tmpdir(), 'smtp-diag-vsix-'));
const vsix = join(scratch, 'smtp-diagnostics.vsix');
try {
  execFileSync('npx', ['vsce', 'package', '--no-dependencies', '--out', vsix], { cwd: root, stdio: 'ignore' });
  const size = statSync(vsix).size;
  report(size < 1 << 20, `the .vsix is under 1 MB (${(size / 1024).toFixed(0)} KB)`);
  const listing = execFileSync('unzip', ['-l', vsix], { encoding: 'utf8' });
  report(listing.includes('extension/media/icon.png') && !/extension\/media\/(?!icon\.png)\S+\.png/.test(listing), 'it holds the icon and none of the README pictures');
  report(['reportView.js', 'reportView.css'].every((file) => listing.includes(`extension/dist/${file}`)), 'it holds the bounce report webview\'s script and stylesheet');

  // A workspace copy without the extension's sources, so that nothing can load from the development folder.
  const workspace = join(scratch, 'workspace');
  execFileSync('cp', ['-r', join(root, 'samples'), workspace]);
  const server = await startCodeServer({ workspace, install: [vsix] });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(workbenchUrl(server, { workspace, openFile: join(workspace, 'maillog') }));
    await page.waitForSelector('.monaco-editor .view-lines .view-line', { timeout: 60_000 });
    // Find puts the cursor on the first 5.3.2 of samples/maillog; the command shows its hover.
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+F');
    await page.keyboard.type('5.3.2');
    await page.keyboard.press('Escape');
    // The hover provider is there once the extension has activated on the Mail Log language: until then the command
    // shows nothing, so it is asked again.
    let text = '';
    for (const deadline = Date.now() + 60_000; !/5\.3\.2/.test(text) && Date.now() < deadline;) {
      await runCommand(page, 'Show or Focus Hover');
      text = await page.waitForSelector('.monaco-hover .hover-contents', { timeout: 5_000 }).then((hover) => hover.textContent(), () => '') ?? '';
      if (!/5\.3\.2/.test(text)) await page.keyboard.press('Escape');
    }
    report(/5\.3\.2/.test(text ?? '') && /hard bounce/i.test(text ?? ''), `the installed package answers the hover on 5.3.2 ("${(text ?? '').slice(0, 60)}…")`);
  } finally {
    await browser.close();
    await server.stop();
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
finish();
