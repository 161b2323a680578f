// media/trace-message.png: "SMTP: Trace Message…" on the Postfix fixture where amavis hands the message on under a
// new queue ID, in the real VS Code (code-server): the trace document: a summary of each message of the chain (sender,
// size, client, Message-ID, next hop, each recipient's outcome), then its lines, each linked to its source line.
import { acceptInQuickInput, openFile, runCommand, savePicture, withFixtureLog, withWorkbench } from '../lib/workbench-page.mjs';

await withFixtureLog('trace/postfix-amavis.log', (workspace) => withWorkbench({ workspace, viewport: { width: 1400, height: 760 } }, async (page) => {
  await openFile(page, 'maillog');
  await runCommand(page, 'SMTP: Trace Message…');
  await acceptInQuickInput(page, '4C1D2E3F4A', { match: null });
  await page.waitForSelector('.tab[aria-label*="Trace 4C1D2E3F4A"]', { timeout: 30_000 });
  await page.waitForTimeout(1500);
  await savePicture(page, 'trace-message.png');
}));
