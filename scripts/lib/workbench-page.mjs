// Opens the extension in a real VS Code (code-server) in headless Chromium, for screenshots and manual checks.
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
  try {
    const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
    await page.goto(workbenchUrl(server, { workspace, extensionPath: root }));
    await page.waitForSelector('.monaco-workbench .part.editor', { timeout: 60_000 });
    await page.waitForTimeout(2500);
    return await use(page, server);
  } finally {
    await browser.close();
    await server.stop();
  }
}

/** Opens a quick input with `shortcuts` (pressed in turn), types `text` and accepts the first match. */
export async function pickInQuickInput(page, shortcuts, text) {
  for (const shortcut of shortcuts) await page.keyboard.press(shortcut);
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type(text);
  await page.waitForTimeout(800);
  await page.keyboard.press('Enter');
}

/** Opens a workspace file through Quick Open, as a user would. */
export async function openFile(page, name) {
  await pickInQuickInput(page, ['Control+P'], name);
  await page.waitForSelector('.monaco-editor .view-lines', { timeout: 20_000 });
  await page.waitForTimeout(1500);
}

/** Runs a command from the Command Palette by its title. */
export async function runCommand(page, title) {
  await pickInQuickInput(page, ['Control+Shift+P'], title);
}
