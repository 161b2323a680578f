// media/hover-5.3.2.png: the status-code hover on 5.3.2 in samples/maillog, in the real VS Code (code-server), in a
// 1280×800 window. It also checks that the card fits that window without scrolling: the whole card on screen, its
// content not taller than its box, and its last section (the links) visible. With --check (the `rendered` layer of
// npm test) it only checks, and writes no picture.
/* global document -- used inside page.evaluate, which runs in the browser */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkLayer } from '../lib/check-layer.mjs';
import { openFile, pickInQuickInput, root, runCommand, savePicture, withWorkbench } from '../lib/workbench-page.mjs';

const VIEWPORT = { width: 1280, height: 800 };
const checkOnly = process.argv.includes('--check');

// The cursor goes on "5.3.2" of "said: 550 5.3.2": line and column (1-based) taken from the sample itself.
const lines = readFileSync(join(root, 'samples', 'maillog'), 'utf8').split('\n');
const line = lines.findIndex((text) => text.includes('said: 550 5.3.2'));
const column = lines[line].indexOf('said: 550 5.3.2') + 'said: 550 '.length + 2;

const { check, finish } = checkLayer('hover-card');

// The hover opens below the line, where the sample leaves room for the whole card.
await withWorkbench({ viewport: VIEWPORT, settings: { 'editor.hover.above': false } }, async (page) => {
  await openFile(page, 'maillog');
  await pickInQuickInput(page, ['Control+G'], `:${line + 1}:${column + 1}`, { match: null });
  await runCommand(page, 'Show or Focus Hover');
  await page.waitForSelector('.monaco-hover .rendered-markdown', { state: 'visible', timeout: 20_000 });
  // The card is laid out once its links are rendered; then its size stops changing.
  await page.waitForFunction(() => document.querySelector('.monaco-hover .rendered-markdown a') !== null);
  const card = await page.evaluate(() => {
    const hover = document.querySelector('.monaco-hover');
    const scrollable = hover.querySelector('.monaco-scrollable-element') ?? hover;
    const content = hover.querySelector('.monaco-hover-content') ?? hover;
    const box = hover.getBoundingClientRect();
    const links = [...hover.querySelectorAll('.rendered-markdown a')].map((link) => link.getBoundingClientRect().bottom);
    return { top: box.top, bottom: box.bottom, height: box.height, contentHeight: content.scrollHeight, boxHeight: scrollable.clientHeight, linksBottom: Math.max(...links), text: hover.textContent };
  });
  check(card.top >= 0 && card.bottom <= VIEWPORT.height, `the card lies within the ${VIEWPORT.width}×${VIEWPORT.height} window (${Math.round(card.top)} to ${Math.round(card.bottom)} px, ${Math.round(card.height)} px high)`);
  check(card.contentHeight <= card.boxHeight + 1, `its content needs no scrolling (${card.contentHeight} px of content in a ${card.boxHeight} px box)`);
  check(card.linksBottom <= card.bottom, `its links, the last section, are visible (bottom at ${Math.round(card.linksBottom)} px)`);
  for (const section of ['5.3.2', 'What to do', 'Full explanation']) check(card.text.includes(section), `it shows "${section}"`);
  if (!checkOnly) {
    // The card fades in: the picture waits for its animations to end.
    await page.waitForFunction(() => document.querySelector('.monaco-hover')?.getAnimations({ subtree: true }).every((animation) => animation.playState === 'finished'));
    await savePicture(page, 'hover-5.3.2.png');
  }
});
finish();
