// The bounce report's webview as the page shows it, for the integration suite (through page requests, below) and
// scripts/screenshots/report.mjs: find its frame, measure what its charts drew from screenshots, click in it.
/* global document, getComputedStyle, window -- used inside frame.evaluate, which runs in the webview */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inkOf } from './png.mjs';

const VERDICT_VARIABLES = ['--verdict-hard', '--verdict-review', '--verdict-soft', '--verdict-deferred'];

/** The frame of the report titled `title`, once its script has drawn it. */
export async function reportViewFrame(page, title, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      const drawn = await frame.evaluate((wanted) => {
        const main = document.querySelector('main#report');
        return Boolean(main && !main.hasAttribute('aria-busy') && main.querySelector('h1')?.textContent === wanted);
      }, title).catch(() => false);
      if (drawn) return frame;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no drawn bounce report titled "${title}" within ${timeoutMs} ms`);
}

/**
 * What the report shows: each chart (its label, size, share of inked pixels and of pixels in each verdict's theme
 * colour, from a screenshot of its canvas), its section headings, the rows of each table, and the lines of
 * `consoleLines` (the page's console so far) where the browser refused something under the Content-Security-Policy.
 */
export async function inspectReportView(page, { title }, consoleLines = []) {
  const frame = await reportViewFrame(page, title);
  const colours = await frame.evaluate((names) => names.map((name) => {
    const probe = document.createElement('span');
    probe.style.color = `var(${name})`;
    document.body.append(probe);
    const rgb = getComputedStyle(probe).color.match(/\d+/g).slice(0, 3).map(Number);
    probe.remove();
    return rgb;
  }), VERDICT_VARIABLES);
  const canvases = frame.locator('canvas');
  const charts = [];
  for (let index = 0; index < await canvases.count(); index++) {
    const canvas = canvases.nth(index);
    const measured = inkOf(await canvas.screenshot(), colours);
    charts.push({
      label: await canvas.getAttribute('aria-label'),
      width: measured.width, height: measured.height, ink: measured.ink, distinct: measured.distinct,
      verdictColours: Object.fromEntries(VERDICT_VARIABLES.map((name, at) => [name.slice('--verdict-'.length), measured.colours[at]])),
    });
  }
  // The screenshots scrolled the page: back to its top, as it opened.
  await frame.evaluate(() => window.scrollTo(0, 0));
  const sections = await frame.locator('section h2').allTextContents();
  const tables = await frame.evaluate(() => Object.fromEntries([...document.querySelectorAll('section')].map((section) => [section.id,
    [...section.querySelectorAll('tbody tr')].map((row) => [...row.cells].map((cell) => cell.textContent))])));
  // What the browser refused under the Content-Security-Policy, said on its console (the webview's frames included).
  const refused = consoleLines.filter((line) => /Content Security Policy|Refused to/i.test(line));
  return { colours: Object.fromEntries(VERDICT_VARIABLES.map((name, at) => [name, colours[at]])), charts, sections, tables, refused };
}

/** Clicks, as a user does, the row of table section `section` (its id) whose cells hold `text`. */
export async function clickReportRow(page, { title, section, text }) {
  const frame = await reportViewFrame(page, title);
  await frame.locator(`section#${section} tbody tr`).filter({ hasText: text }).first().click();
  return { clicked: `${section}: ${text}` };
}

/** Clicks the report's button named `text` ("Open as Markdown"). */
export async function clickReportButton(page, { title, text }) {
  const frame = await reportViewFrame(page, title);
  await frame.getByRole('button', { name: text }).click();
  return { clicked: text };
}

const ACTIONS = { inspectReportView, clickReportRow, clickReportButton };

/**
 * Answers a request of an integration test (test/helpers/pageRequest.ts) that only the page can fulfil: the
 * test logs `integration-page-request {"id", "action", ...}` and waits for `<id>.json` in `replies`, holding
 * { result } or { error }. `consoleLines` is the page's console so far. The file is written whole, then renamed, so
 * it is never read half written.
 */
export async function answerPageRequest(page, request, replies, consoleLines) {
  if (!/^[\w-]{1,64}$/.test(String(request.id))) return;
  let reply;
  try {
    const action = ACTIONS[request.action];
    if (!action) throw new Error(`unknown page action ${request.action}`);
    reply = { result: await action(page, request, consoleLines) };
  } catch (error) {
    reply = { error: String(error?.stack ?? error) };
  }
  const file = join(replies, `${request.id}.json`);
  writeFileSync(`${file}.part`, JSON.stringify(reply));
  renameSync(`${file}.part`, file);
}
