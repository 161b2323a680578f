// media/extract-hard-bounces.png: "SMTP: Extract Hard-Bounce Addresses" on the test fixture Postfix log, in the real
// VS Code (code-server): the log on the left, the suppression list it produced in a new untitled editor on the right.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFile, root, runCommand, withWorkbench } from '../lib/workbench-page.mjs';

const workspace = mkdtempSync(join(tmpdir(), 'smtp-diag-shot-extract-'));
copyFileSync(join(root, 'test', 'fixtures', 'workspace', 'bounces', 'postfix-bounces.log'), join(workspace, 'maillog'));
try {
  await withWorkbench({ workspace, viewport: { width: 1400, height: 760 } }, async (page) => {
    await openFile(page, 'maillog');
    await runCommand(page, 'View: Split Editor Right');
    await page.waitForTimeout(1000);
    await runCommand(page, 'SMTP: Extract Hard-Bounce Addresses');
    await page.waitForSelector('.tab[aria-label*="Untitled"]', { timeout: 20_000 });
    await page.waitForTimeout(1500);
    const path = join(root, 'media', 'extract-hard-bounces.png');
    await page.screenshot({ path });
    console.log(`Saved ${path}`);
  });
} finally {
  rmSync(workspace, { recursive: true, force: true });
}
