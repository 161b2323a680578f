// `npm start`: builds the extension, starts a local VS Code (code-server on 127.0.0.1) with the extension
// loaded in development mode, the samples/ workspace open and samples/maillog in an editor, and prints the URL to
// open. Ctrl+C or SIGTERM (to npm or to this script) stops everything it started; so does the end of npm.
// PORT=8080 npm start picks the port; by default a free one is used. scripts/check-start.mjs checks all of this.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCodeServer, workbenchUrl } from './lib/code-server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [join(root, 'esbuild.js')], { cwd: root, stdio: 'inherit' });

const workspace = join(root, 'samples');
const port = process.env.PORT ? Number(process.env.PORT) : undefined;
const server = await startCodeServer({ workspace, port });
const url = workbenchUrl(server, { workspace, extensionPath: root, openFile: join(workspace, 'maillog') });
console.log('\nSMTP Diagnostics is running in VS Code (code-server) with the samples/ workspace.');
console.log(`Open: ${url}\n`);
console.log(`Server log: ${server.logPath}. Rebuild with "npm run build" and reload the window to see changes. Ctrl+C stops.`);
if (process.env.SMTP_DIAG_URL_FILE) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(process.env.SMTP_DIAG_URL_FILE, url);
}

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
process.on('SIGHUP', shutdown);
// npm does not always pass a SIGTERM on to its script: when npm is gone, this script is adopted by another parent.
const parent = process.ppid;
setInterval(() => { if (process.ppid !== parent) void shutdown(); }, 500).unref();
