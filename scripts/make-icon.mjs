// media/icon.png (128×128, the Marketplace icon) from media/icon.svg, rendered by headless Chromium.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from './lib/code-server.mjs';
import { root } from './lib/workbench-page.mjs';

const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 128, height: 128 }, deviceScaleFactor: 1 });
  await page.setContent(`<html><body style="margin:0;background:transparent">${readFileSync(join(root, 'media', 'icon.svg'), 'utf8')}</body></html>`);
  await page.locator('svg').screenshot({ path: join(root, 'media', 'icon.png'), omitBackground: true });
  console.log(`Saved ${join(root, 'media', 'icon.png')}`);
} finally {
  await browser.close();
}
