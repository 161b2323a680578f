// media/report.png: "SMTP: Show Bounce Report" in the real VS Code (code-server) on a generated Postfix log (seeded:
// 40,000 lines, about 16 hours of a sending server's traffic), the log on the left and the report's webview beside it.
// It exits non-zero, and saves no picture, when a chart drew nothing or the browser refused something under the
// webview's Content-Security-Policy.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePostfixLog } from '../lib/generate-postfix-log.mjs';
import { inspectReportView } from '../lib/report-view.mjs';
import { openFile, runCommand, savePicture, withWorkbench } from '../lib/workbench-page.mjs';

const workspace = mkdtempSync(join(tmpdir(), 'smtp-diag-shot-report-'));
writeFileSync(join(workspace, 'maillog'), generatePostfixLog({ lines: 40_000, seed: 7 }));
try {
  await withWorkbench({ workspace, viewport: { width: 1600, height: 1000 } }, async (page) => {
    const consoleLines = [];
    page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
    await openFile(page, 'maillog');
    // The side bar closed: the log and the report share the width.
    await runCommand(page, 'View: Close Primary Side Bar');
    await runCommand(page, 'SMTP: Show Bounce Report');
    const seen = await inspectReportView(page, { title: 'Bounce report: maillog' }, consoleLines);
    for (const chart of seen.charts) console.log(`${chart.label}: ${chart.width}×${chart.height}, ${(chart.ink * 100).toFixed(1)} % inked`);
    const blank = seen.charts.filter((chart) => chart.ink < 0.01);
    if (seen.charts.length !== 4 || blank.length || seen.refused.length) {
      throw new Error(`expected 4 drawn charts and nothing refused: ${seen.charts.length} charts, blank: ${blank.map((chart) => chart.label).join(', ') || 'none'}; refused: ${seen.refused.join('; ') || 'nothing'}`);
    }
    // Hover effects and the progress notification gone.
    await page.mouse.move(0, 0);
    await page.waitForTimeout(1500);
    await savePicture(page, 'report.png');
  });
} finally {
  rmSync(workspace, { recursive: true, force: true });
}
