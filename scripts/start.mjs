// `npm start`: builds the extension, starts a local VS Code (code-server on 127.0.0.1) with the extension
// loaded in development mode and the samples/ workspace open, and prints the URL to open. Ctrl+C stops it.
// PORT=8080 npm start picks the port; by default a free one is used.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCodeServer, workbenchUrl } from './lib/code-server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [join(root, 'esbuild.js')], { cwd: root, stdio: 'inherit' });

const workspace = join(root, 'samples');
const port = process.env.PORT ? Number(process.env.PORT) : undefined;
const server = await startCodeServer({ workspace, port });
const url = workbenchUrl(server, { workspace, extensionPath: root });
console.log('\nSMTP Diagnostics is running in VS Code (code-server) with the samples/ workspace.');
console.log(`Open: ${url}\n`);
console.log(`Server log: ${server.logPath}. Rebuild with "npm run build" and reload the window to see changes. Ctrl+C stops.`);
if (process.env.SMTP_DIAG_URL_FILE) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(process.env.SMTP_DIAG_URL_FILE, url);
}

const shutdown = async () => {
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
