// media/grammar-<file>-<theme>.png: samples/maillog (Postfix), samples/mainlog (Exim) and samples/bounce-5.3.2.eml in
// the real VS Code (code-server), in Dark Modern and Light Modern. It also reads the colours the editor REALLY
// rendered for status codes from the page and checks them against each theme's markup.deleted / .changed /
// .inserted colours; it exits non-zero when a code shows in the wrong colour. With --check (the `rendered` layer of
// npm test) it only checks, and writes no pictures.
/* global document, getComputedStyle -- used inside page.$$eval / waitForFunction, which run in the browser */
import { join } from 'node:path';
import { acceptInQuickInput, openFile, root, runCommand, waitForTokens, withWorkbench } from '../lib/workbench-page.mjs';

/** Theme colours of markup.deleted / markup.changed / markup.inserted (theme-defaults in VS Code 1.100). */
const THEMES = [
  { name: 'Dark Modern', slug: 'dark', permanent: 'rgb(206, 145, 120)', transient: 'rgb(86, 156, 214)', success: 'rgb(181, 206, 168)' },
  { name: 'Light Modern', slug: 'light', permanent: 'rgb(163, 21, 21)', transient: 'rgb(4, 81, 165)', success: 'rgb(9, 134, 88)' },
];
/** Files to show, and codes that must appear in them with their class. */
const FILES = [
  { name: 'maillog', slug: 'postfix', codes: { '5.3.2': 'permanent', '550': 'permanent', '4.2.2': 'transient', '452': 'transient', '2.0.0': 'success', '250': 'success' } },
  { name: 'mainlog', slug: 'exim', codes: { '5.1.1': 'permanent', '550': 'permanent', '4.7.1': 'transient', '451': 'transient', '250': 'success', '2.0.0': 'success' } },
  { name: 'bounce-5.3.2.eml', slug: 'eml', codes: { '5.3.2': 'permanent', '550': 'permanent' } },
  // A .log stays VS Code's Log language; our injection colours its codes (no picture: checked only).
  { name: 'delivery.log', codes: { '5.3.2': 'permanent', '550': 'permanent', '4.2.2': 'transient', '452': 'transient', '2.0.0': 'success', '250': 'success' } },
];
const checkOnly = process.argv.includes('--check');

/** Picks a colour theme as a user would (Preferences: Color Theme): code-server 4.100 does not apply
 * workbench.colorTheme from the profile's settings.json at start-up. The palette, not the Ctrl+K Ctrl+T chord: a
 * chord pressed before the keybindings are ready opens Ctrl+T's symbol search instead. */
async function chooseTheme(page, name) {
  await runCommand(page, 'Preferences: Color Theme');
  await acceptInQuickInput(page, name, { loading: true });
  await page.waitForFunction((themeFile) => document.querySelector('.monaco-workbench')?.className.includes(themeFile), name.includes('Dark') ? 'dark_modern' : 'light_modern');
}

let failures = 0;
let passes = 0;
for (const theme of THEMES) {
  await withWorkbench({ viewport: { width: 1280, height: 1100 } }, async (page) => {
    await chooseTheme(page, theme.name);
    for (const file of FILES) {
      await openFile(page, file.name);
      await waitForTokens(page, Object.keys(file.codes));
      const rendered = await page.$$eval('.monaco-editor .view-lines span > span', (spans) =>
        spans.map((span) => ({ text: span.textContent, color: getComputedStyle(span).color })));
      for (const [code, statusClass] of Object.entries(file.codes)) {
        const colours = [...new Set(rendered.filter((span) => span.text === code).map((span) => span.color))];
        const ok = colours.includes(theme[statusClass]);
        if (ok) passes += 1;
        else failures += 1;
        console.log(`${ok ? 'ok  ' : 'MISS'} ${theme.slug} ${file.name}: ${code} (${statusClass}) rendered as ${colours.join(', ') || 'nothing'}; expected ${theme[statusClass]}`);
      }
      if (!checkOnly && file.slug) {
        const path = join(root, 'media', `grammar-${file.slug}-${theme.slug}.png`);
        await page.locator('.part.editor').screenshot({ path });
        console.log(`Saved ${path}`);
      }
      await page.keyboard.press('Control+W');
    }
  });
}
console.log(`rendered: ${passes} passed, ${failures} failed`);
process.exitCode = failures > 0 ? 1 : 0;
