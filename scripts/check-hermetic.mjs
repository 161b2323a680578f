// The `hermetic` layer of npm test: code-server, as every script here starts it, reaches nothing beyond loopback,
// and the check would see it if it did. Two runs, each opening the Extensions view and searching it (what makes
// VS Code ask its gallery):
//   1. our settings: the gallery recorder on loopback gets no request and the server log shows no outside lookup;
//   2. a control run with a gallery configured, pointed at the recorder: it gets requests, so run 1 proves something.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CODE_SERVER_ENV, launchChromium, startCodeServer, workbenchUrl } from './lib/code-server.mjs';
import { checkLayer, until } from './lib/check-layer.mjs';
import { outsideReaches } from './lib/hermetic.mjs';
import { root } from './lib/workbench-page.mjs';

/** A stand-in gallery on loopback that only counts what asks it. */
async function startRecorder() {
  const requests = [];
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"results":[{"extensions":[],"resultMetadata":[]}]}');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { requests, url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** Starts code-server with `env`, searches the Extensions view, and returns what reached the recorder and the log. */
async function exercise(env, recorder, { expectRequests }) {
  const workspace = join(root, 'samples');
  const server = await startCodeServer({ workspace, env });
  const browser = await launchChromium();
  let log = '';
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(workbenchUrl(server, { workspace, extensionPath: root }));
    await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60_000 });
    await page.keyboard.press('Control+Shift+X');
    const search = page.locator('.extensions-viewlet .suggest-input-container .inputarea, .extensions-viewlet textarea').first();
    await search.waitFor({ state: 'visible', timeout: 30_000 });
    await search.fill('theme');
    // The view has answered the search once it shows a result list or a message; with a gallery, the recorder
    // has been asked by then.
    await page.waitForSelector('.extensions-viewlet .extensions-list .monaco-list-row, .extensions-viewlet .message-container:not(.hidden)', { timeout: 30_000 });
    if (expectRequests) await until(() => recorder.requests.length > 0, 30_000, 100);
  } finally {
    await browser.close();
    log = readFileSync(server.logPath, 'utf8');
    await server.stop();
  }
  return { requests: [...recorder.requests], outside: outsideReaches(log) };
}

const { check: report, finish } = checkLayer('hermetic');

const ours = await startRecorder();
const hermetic = await exercise(CODE_SERVER_ENV, ours, { expectRequests: false });
await ours.close();
report(hermetic.requests.length === 0 && hermetic.outside.length === 0,
  `our settings: nothing asked beyond loopback (gallery requests ${hermetic.requests.length}, outside lookups in the log ${hermetic.outside.length}${hermetic.outside.length ? `: ${hermetic.outside[0]}` : ''})`);

const control = await startRecorder();
const gallery = { serviceUrl: `${control.url}/gallery`, itemUrl: `${control.url}/item`, resourceUrlTemplate: `${control.url}/asset/{publisher}/{name}/{version}/{path}` };
const enabled = await exercise({ ...CODE_SERVER_ENV, EXTENSIONS_GALLERY: JSON.stringify(gallery) }, control, { expectRequests: true });
await control.close();
report(enabled.requests.length > 0, `control with a gallery configured: the same steps ask it (${enabled.requests.length} requests, e.g. ${enabled.requests[0] ?? 'none'})`);

finish();
