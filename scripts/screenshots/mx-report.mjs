// media/mx-check-bounced-domains.png: "SMTP: Check Domains of Hard Bounces" on the test fixture log, in the real
// VS Code (code-server), with smtpDiagnostics.dns.servers pointing at the loopback test DNS server.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import esbuild from 'esbuild';
import { openFile, root, runCommand, savePicture, withFixtureLog, withWorkbench } from '../lib/workbench-page.mjs';

// The test DNS server is TypeScript: bundle it once into a temporary CommonJS file.
const outdir = mkdtempSync(join(tmpdir(), 'smtp-diag-shot-mx-'));
await esbuild.build({ entryPoints: { dnsServer: join(root, 'test/support/dns-server.ts') }, bundle: true, platform: 'node', format: 'cjs', outdir, logLevel: 'error' });
const { startDnsServer } = createRequire(import.meta.url)(join(outdir, 'dnsServer.js'));
const dns = await startDnsServer();

try {
  await withFixtureLog('mx/bounces.log', (workspace) => withWorkbench({ workspace, viewport: { width: 1400, height: 860 }, settings: { 'smtpDiagnostics.dns.servers': [dns.address] } }, async (page) => {
    await openFile(page, 'maillog');
    await runCommand(page, 'SMTP: Check Domains of Hard Bounces');
    // First choice of the quick pick: MX records only.
    await page.waitForSelector('.quick-input-widget .quick-input-list', { state: 'visible' });
    await page.waitForTimeout(500);
    await page.keyboard.press('Enter');
    await page.waitForSelector('.tab[aria-label*="Domains of hard bounces"]', { timeout: 20_000 });
    await page.waitForTimeout(1000);
    await runCommand(page, 'Markdown: Open Preview to the Side');
    await page.waitForTimeout(3000);
    await savePicture(page, 'mx-check-bounced-domains.png');
  }));
} finally {
  await dns.close();
  rmSync(outdir, { recursive: true, force: true });
}
