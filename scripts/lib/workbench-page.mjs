// Opens the extension in a real VS Code (code-server) in headless Chromium, for screenshots and manual checks.
/* global document -- used inside page.waitForFunction, which runs in the browser */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, startCodeServer, workbenchUrl } from './code-server.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Starts code-server on `workspace` (default samples/) with the extension in development mode, opens the
 * workbench in Chromium, waits until it is ready, runs `use(page)` and tears everything down.
 */
export async function withWorkbench({ workspace = join(root, 'samples'), settings = {}, viewport = { width: 1280, height: 760 } }, use) {
  // Wrapped lines show whole log lines in a picture.
  const server = await startCodeServer({ workspace, settings: { 'editor.wordWrap': 'on', 'editor.minimap.enabled': false, ...settings } });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
  try {
    await page.goto(workbenchUrl(server, { workspace, extensionPath: root }));
    await page.waitForSelector('.monaco-workbench .part.editor', { timeout: 60_000 });
    // Ready for Quick Open when the explorer lists the workspace (the remote file system answers).
    await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60_000 });
    return await use(page, server);
  } catch (error) {
    // Evidence of what the page showed when it went wrong.
    const evidence = join(root, 'test-results', `workbench-${new Date().toISOString().replace(/[:.]/g, '-')}.png`);
    mkdirSync(dirname(evidence), { recursive: true });
    await page.screenshot({ path: evidence }).catch(() => undefined);
    error.message += ` (screenshot: ${evidence})`;
    throw error;
  } finally {
    await browser.close();
    await server.stop();
  }
}

/** Runs `use(workspace)` on a temporary folder that holds the fixture `fixture` (a path under
 * test/fixtures/workspace) as "maillog"; the folder is removed after. */
export async function withFixtureLog(fixture, use) {
  const workspace = mkdtempSync(join(tmpdir(), 'smtp-diag-shot-'));
  try {
    copyFileSync(join(root, 'test', 'fixtures', 'workspace', ...fixture.split('/')), join(workspace, 'maillog'));
    return await use(workspace);
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

/** Saves what the page shows as media/`name`, a picture of the README or the docs. */
export async function savePicture(page, name) {
  const path = join(root, 'media', name);
  await page.screenshot({ path });
  console.log(`Saved ${path}`);
}

/**
 * Opens a quick input with `shortcuts` (pressed in turn), enters `text` and accepts it once the focused row of the
 * list names `match` (default: the text without a leading ">"): a list still loading, or still showing the rows of
 * the text before, is waited for, never accepted. `match: null` is for inputs without a list (Go to Line).
 */
export async function pickInQuickInput(page, shortcuts, text, { match = text.replace(/^>/, '') } = {}) {
  for (const shortcut of shortcuts) await page.keyboard.press(shortcut);
  await acceptInQuickInput(page, text, { match });
}

/**
 * In the quick input already open: enters `text`, waits for the row whose label holds `match`, accepts it. With
 * `loading`, first waits for the list to have rows: a list filled in after the widget shows (themes, once their
 * extensions are read) ignores text entered before.
 */
export async function acceptInQuickInput(page, text, { match = text, loading = false } = {}) {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  if (loading) await page.waitForSelector('.quick-input-widget .monaco-list-row', { timeout: 60_000 });
  await input.fill(text);
  if (match === null) await page.keyboard.press('Enter');
  else {
    // The row the text names, not whichever is first ("Browse Color Themes…" sorts above "Color Theme").
    const rows = '.quick-input-widget .monaco-list-row';
    // Counted from 1: waitForFunction waits on as long as the answer is falsy, and row 0 is the likeliest.
    const position = await (await page.waitForFunction(([selector, wanted]) => {
      const labels = [...document.querySelectorAll(selector)].map((row) => row.getAttribute('aria-label')?.toLowerCase() ?? '');
      const matching = labels.map((label, at) => ({ label, at })).filter(({ label }) => label.includes(wanted.toLowerCase()));
      // The closest name wins: "maillog" over "maillog.1", "Dark Modern" over "Dark Modern Plus".
      return matching.length ? matching.sort((a, b) => a.label.length - b.label.length)[0].at + 1 : false;
    }, [rows, match], { timeout: 30_000 })).jsonValue();
    await page.locator(rows).nth(position - 1).click();
  }
  // Accepted: the widget closes, or shows the next step (the palette's command opens the theme list in it).
  await page.waitForFunction((entered) => {
    const box = document.querySelector('.quick-input-widget input');
    return !box || box.offsetParent === null || box.value !== entered;
  }, text, { timeout: 30_000 });
}

/** Opens a workspace file through Quick Open, as a user would. */
export async function openFile(page, name) {
  await pickInQuickInput(page, ['Control+P'], name);
  await page.waitForFunction((file) => {
    const tab = document.querySelector('.tabs-container .tab.active');
    return (tab?.getAttribute('aria-label') ?? '').startsWith(file) && document.querySelector('.monaco-editor .view-lines .view-line') !== null;
  }, name, { timeout: 20_000 });
}

/** Waits until each text is shown with a token colour of its own (the grammar has tokenized the visible lines). */
export async function waitForTokens(page, texts) {
  await page.waitForFunction((wanted) => {
    const spans = [...document.querySelectorAll('.monaco-editor .view-lines span > span')];
    return wanted.every((text) => spans.some((span) => span.textContent === text && span.className !== 'mtk1'));
  }, texts, { timeout: 20_000 });
}

/** Runs a command from the Command Palette by its title. */
export async function runCommand(page, title) {
  // The ">" keeps the Command Palette a command list: without it the input is Quick Open's file search.
  await pickInQuickInput(page, ['Control+Shift+P'], `>${title}`);
}

/** The extension's status bar item for the active mail log (its failure counts), spaces squeezed, once it shows (or,
 * with `expected`, once it reads so; after 30 s, whatever it reads then): the extension is then active and has
 * decorated the editor. */
export async function bounceCountsInStatusBar(page, expected) {
  const read = ({ wanted, wait }) => {
    const text = [...document.querySelectorAll('.statusbar-item')].map((item) => item.textContent.replace(/\s+/g, ' ').trim())
      .find((candidate) => /\d+ (?:hard|review|soft|deferred)|no failures/.test(candidate));
    return !wait || (text !== undefined && (wanted === undefined || text === wanted)) ? text ?? '' : false;
  };
  return page.waitForFunction(read, { wanted: expected, wait: true }, { timeout: 30_000 }).then((handle) => handle.jsonValue())
    .catch(() => page.evaluate(read, { wanted: expected, wait: false }));
}
