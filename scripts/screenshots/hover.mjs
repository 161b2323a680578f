// media/hover-5.3.2.png: the status-code hover on 5.3.2 in samples/maillog, in the real VS Code (code-server).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openFile, pickInQuickInput, root, runCommand, withWorkbench } from '../lib/workbench-page.mjs';

// The cursor goes on "5.3.2" of "said: 550 5.3.2": line and column (1-based) taken from the sample itself.
const lines = readFileSync(join(root, 'samples', 'maillog'), 'utf8').split('\n');
const line = lines.findIndex((text) => text.includes('said: 550 5.3.2'));
const column = lines[line].indexOf('said: 550 5.3.2') + 'said: 550 '.length + 2;

// The hover opens below the line, where the sample leaves room for the whole card.
await withWorkbench({ viewport: { width: 1280, height: 820 }, settings: { 'editor.hover.above': false } }, async (page) => {
  await openFile(page, 'maillog');
  await pickInQuickInput(page, ['Control+G'], `${line + 1}:${column + 1}`, { match: null });
  await page.waitForTimeout(800);
  await runCommand(page, 'Show or Focus Hover');
  await page.waitForSelector('.monaco-hover .rendered-markdown', { state: 'visible', timeout: 20_000 });
  await page.waitForTimeout(1000);
  const path = join(root, 'media', 'hover-5.3.2.png');
  await page.screenshot({ path });
  console.log(`Saved ${path}`);
});
