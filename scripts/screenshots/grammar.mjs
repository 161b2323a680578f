// media/grammar-<file>-<theme>.png: samples/maillog (Postfix), samples/mainlog (Exim) and samples/bounce-5.3.2.eml in
// the real VS Code (code-server). It reads the colours the editor REALLY rendered for status codes from the page:
//   - with our decorations off, in Dark Modern and Light Modern, codes show in each theme's markup.deleted / .changed
//     / .inserted colours (the grammar's scopes, which themes colour);
//   - with them on (the default), in Dark Modern, Light Modern, Dark High Contrast and Light High Contrast, codes
//     show in our contributed colours for that kind of theme, the three classes differ, each has a contrast ratio of
//     at least 3:1 against the editor's background, the overview ruler of samples/maillog carries failure and
//     deferral marks, and the status bar counts its failures as the report does.
// It exits non-zero when anything differs. With --check (the `rendered` layer of npm test) it only checks, and writes
// no pictures.
/* global document, getComputedStyle -- used inside page.$$eval / evaluate / waitForFunction, which run in the browser */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkLayer } from '../lib/check-layer.mjs';
import { acceptInQuickInput, bounceCountsInStatusBar, openFile, root, runCommand, waitForTokens, withWorkbench } from '../lib/workbench-page.mjs';

/** Theme colours of markup.deleted / markup.changed / markup.inserted (theme-defaults in VS Code 1.100). */
const SCOPE_COLOURS = {
  dark: { failure: 'rgb(206, 145, 120)', deferral: 'rgb(86, 156, 214)', success: 'rgb(181, 206, 168)' },
  light: { failure: 'rgb(163, 21, 21)', deferral: 'rgb(4, 81, 165)', success: 'rgb(9, 134, 88)' },
};
/** Each theme, the kind whose defaults of contributes.colors apply to it, and the file id in the workbench's class. */
const THEMES = [
  { name: 'Dark Modern', slug: 'dark', kind: 'dark', themeFile: 'dark_modern' },
  { name: 'Light Modern', slug: 'light', kind: 'light', themeFile: 'light_modern' },
  { name: 'Dark High Contrast', slug: 'hc-dark', kind: 'highContrast', themeFile: 'hc_black' },
  { name: 'Light High Contrast', slug: 'hc-light', kind: 'highContrastLight', themeFile: 'hc_light' },
];
/** Files to show, and codes that must appear in them with their class. */
const FILES = [
  { name: 'maillog', slug: 'postfix', codes: { '5.3.2': 'failure', '550': 'failure', '4.2.2': 'deferral', '452': 'deferral', '2.0.0': 'success', '250': 'success' } },
  { name: 'mainlog', slug: 'exim', codes: { '5.1.1': 'failure', '550': 'failure', '4.7.1': 'deferral', '451': 'deferral', '250': 'success', '2.0.0': 'success' } },
  { name: 'bounce-5.3.2.eml', slug: 'eml', codes: { '5.3.2': 'failure', '550': 'failure' } },
  // A PowerMTA accounting file opens as a mail log by its header line (no picture: checked only).
  { name: 'acct.csv', codes: { '5.1.1': 'failure', '550': 'failure', '4.7.0': 'deferral', '421': 'deferral', '2.0.0': 'success', '250': 'success' } },
  // A .log stays VS Code's Log language; our injection colours its codes (no picture: checked only).
  { name: 'delivery.log', codes: { '5.3.2': 'failure', '550': 'failure', '4.2.2': 'deferral', '452': 'deferral', '2.0.0': 'success', '250': 'success' } },
];
/** samples/maillog's failures as the bounce report counts them (`smtp-diag report samples/maillog`). */
const MAILLOG_STATUS = '2 hard 1 deferred';
const checkOnly = process.argv.includes('--check');

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** Our foreground colour of each class for a kind of theme, as the page reports colours. */
function contributedColours(kind) {
  const colourOf = (id) => manifest.contributes.colors.find((entry) => entry.id === id).defaults[kind];
  const rgb = (hex) => `rgb(${[1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16)).join(', ')})`;
  return Object.fromEntries(['failure', 'deferral', 'success'].map((name) => [name, rgb(colourOf(`smtpDiagnostics.${name}Foreground`))]));
}

/** WCAG 2 contrast ratio of two "rgb(r, g, b)" colours. */
function contrast(a, b) {
  const luminance = (colour) => {
    const [r, g, b] = colour.match(/\d+/g).slice(0, 3).map((value) => {
      const c = Number(value) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (high + 0.05) / (low + 0.05);
}

/** Picks a colour theme as a user would (Preferences: Color Theme): code-server 4.100 does not apply
 * workbench.colorTheme from the profile's settings.json at start-up. The palette, not the Ctrl+K Ctrl+T chord: a
 * chord pressed before the keybindings are ready opens Ctrl+T's symbol search instead. */
async function chooseTheme(page, theme) {
  // A workbench just started on a loaded machine may show the theme list without its rows for over a minute (seen
  // once, with the fuzz harness on both cores): the list is opened again, twice at most, before giving up.
  for (let attempt = 1; ; attempt++) {
    try {
      await runCommand(page, 'Preferences: Color Theme');
      await acceptInQuickInput(page, theme.name, { loading: true });
      break;
    } catch (error) {
      if (attempt === 3 || error?.name !== 'TimeoutError') throw error;
      await page.keyboard.press('Escape');
    }
  }
  await page.waitForFunction((themeFile) => document.querySelector('.monaco-workbench')?.className.includes(themeFile), theme.themeFile);
}

const { check, finish } = checkLayer('rendered');

/** Pixels of the overview ruler's canvas within a small distance of each colour, once both show (the ruler is drawn
 * after the decorations arrive), or as they are after 20 s. */
async function rulerPixels(page, colours) {
  const count = ({ wanted, untilBoth }) => {
    const canvas = document.querySelector('.monaco-editor .decorationsOverviewRuler');
    if (!canvas) return false;
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const targets = Object.entries(wanted).map(([name, colour]) => [name, colour.match(/\d+/g).map(Number)]);
    const counts = Object.fromEntries(targets.map(([name]) => [name, 0]));
    for (let at = 0; at < data.length; at += 4) {
      for (const [name, [r, g, b]] of targets) {
        if (Math.abs(data[at] - r) + Math.abs(data[at + 1] - g) + Math.abs(data[at + 2] - b) < 24) counts[name] += 1;
      }
    }
    return !untilBoth || Object.values(counts).every((pixels) => pixels > 0) ? counts : false;
  };
  const drawn = await page.waitForFunction(count, { wanted: colours, untilBoth: true }, { timeout: 20_000 }).then((handle) => handle.jsonValue()).catch(() => undefined);
  return drawn ?? page.evaluate(count, { wanted: colours, untilBoth: false });
}

/** In a new Mail Log document, the status bar counts what is typed into it, once typing pauses. */
async function statusBarFollowsEdits(page) {
  await page.keyboard.press('Control+N');
  await runCommand(page, 'Change Language Mode');
  await acceptInQuickInput(page, 'Mail Log', { loading: true });
  const bounced = (n) => `Nov 27 09:14:0${n} mail postfix/smtp[1]: 3F2A11C0B${n}: to=<user${n}@example.net>, relay=mx.example.net[192.0.2.1]:25, dsn=5.1.1, status=bounced (host mx.example.net[192.0.2.1] said: 550 5.1.1 unknown user (in reply to RCPT TO command))\n`;
  const deferred = 'Nov 27 09:20:11 mail postfix/smtp[2]: 7A8B9C0D1E: to=<busy@example.info>, relay=mx.example.info[192.0.2.99]:25, dsn=4.2.2, status=deferred (host mx.example.info[192.0.2.99] said: 452 4.2.2 Mailbox full)\n';
  // insertText, not typing: the editor would add closing brackets to typed ones.
  for (const [text, counts] of [[bounced(1), '1 hard'], [bounced(2), '2 hard'], [deferred, '2 hard 1 deferred']]) {
    await page.keyboard.insertText(text);
    const status = await bounceCountsInStatusBar(page, counts);
    check(status === counts, `status bar after an edit: "${status}" (expected "${counts}")`);
  }
}

const SESSIONS = [
  ...['dark', 'light'].map((slug) => ({ theme: THEMES.find((theme) => theme.slug === slug), decorations: false })),
  ...THEMES.map((theme) => ({ theme, decorations: true })),
];
for (const { theme, decorations } of SESSIONS) {
  const expected = decorations ? contributedColours(theme.kind) : SCOPE_COLOURS[theme.slug];
  const label = `${theme.slug}${decorations ? '' : ' (decorations off)'}`;
  await withWorkbench({ viewport: { width: 1280, height: 1100 }, settings: { 'smtpDiagnostics.decorations.enabled': decorations } }, async (page) => {
    await chooseTheme(page, theme);
    for (const file of FILES) {
      await openFile(page, file.name);
      await waitForTokens(page, Object.keys(file.codes));
      // Decorations arrive after the tokens. The colours of each code are read in the same pass that finds them all
      // as expected (or after 20 s, as they are then), so a re-render between a wait and a read cannot fool the check.
      const wanted = Object.entries(file.codes).map(([code, statusClass]) => [code, expected[statusClass]]);
      const coloursOf = ({ pairs, untilAll }) => {
        const spans = [...document.querySelectorAll('.monaco-editor .view-lines span > span')];
        const found = Object.fromEntries(pairs.map(([code]) => [code, [...new Set(spans.filter((span) => span.textContent === code).map((span) => getComputedStyle(span).color))]]));
        return !untilAll || pairs.every(([code, colour]) => found[code].includes(colour)) ? found : false;
      };
      const rendered = await page.waitForFunction(coloursOf, { pairs: wanted, untilAll: true }, { timeout: 20_000 }).then((handle) => handle.jsonValue())
        .catch(() => page.evaluate(coloursOf, { pairs: wanted, untilAll: false }));
      for (const [code, statusClass] of Object.entries(file.codes)) {
        const colours = rendered[code];
        check(colours.includes(expected[statusClass]), `${label} ${file.name}: ${code} (${statusClass}) rendered as ${colours.join(', ') || 'nothing'}; expected ${expected[statusClass]}`);
      }
      if (decorations && file.name === 'maillog') {
        const background = await page.$eval('.monaco-editor .monaco-editor-background', (element) => getComputedStyle(element).backgroundColor);
        for (const [statusClass, colour] of Object.entries(expected)) {
          const ratio = contrast(colour, background);
          check(ratio >= 3, `${label}: ${statusClass} ${colour} on ${background}, contrast ${ratio.toFixed(2)}:1 (at least 3:1)`);
        }
        check(new Set(Object.values(expected)).size === 3, `${label}: the three classes have three colours`);
        const marks = await rulerPixels(page, { failure: expected.failure, deferral: expected.deferral });
        check(marks?.failure > 0 && marks?.deferral > 0, `${label}: overview ruler marks, ${marks?.failure ?? 0} failure and ${marks?.deferral ?? 0} deferral pixels`);
        const status = await bounceCountsInStatusBar(page);
        check(status === MAILLOG_STATUS, `${label}: status bar "${status}" (expected "${MAILLOG_STATUS}")`);
      }
      if (!checkOnly && file.slug && decorations && ['dark', 'light'].includes(theme.slug)) {
        const path = join(root, 'media', `grammar-${file.slug}-${theme.slug}.png`);
        await page.locator('.part.editor').screenshot({ path });
        console.log(`Saved ${path}`);
      }
      await page.keyboard.press('Control+W');
    }
    if (decorations && theme.slug === 'dark') await statusBarFollowsEdits(page);
  });
}
finish();
