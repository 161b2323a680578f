// media/extract-hard-bounces.png: "SMTP: Extract Hard-Bounce Addresses" on the test fixture Postfix log, in the real
// VS Code (code-server): the log on the left, the suppression list it produced in a new untitled editor on the right.
import { openFile, runCommand, savePicture, withFixtureLog, withWorkbench } from '../lib/workbench-page.mjs';

await withFixtureLog('bounces/postfix-bounces.log', (workspace) => withWorkbench({ workspace, viewport: { width: 1400, height: 760 } }, async (page) => {
  await openFile(page, 'maillog');
  await runCommand(page, 'View: Split Editor Right');
  await page.waitForTimeout(1000);
  await runCommand(page, 'SMTP: Extract Hard-Bounce Addresses');
  await page.waitForSelector('.tab[aria-label*="Untitled"]', { timeout: 20_000 });
  await page.waitForTimeout(1500);
  await savePicture(page, 'extract-hard-bounces.png');
}));
