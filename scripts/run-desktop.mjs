// `npm run test:desktop`: the same integration suite in desktop VS Code, through @vscode/test-electron.
// It downloads VS Code 1.100.3, so it needs a machine that can reach the VS Code download servers.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [join(root, 'esbuild.js')], { cwd: root, stdio: 'inherit' });
execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', root], { cwd: root, stdio: 'inherit' });

try {
  await runTests({
    version: '1.100.3',
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'out', 'test', 'integration', 'index.js'),
    launchArgs: [join(root, 'test', 'fixtures', 'workspace'), '--disable-extensions', '--skip-welcome', '--disable-workspace-trust'],
  });
} catch (error) {
  console.error(`Desktop integration run failed: ${error}`);
  process.exitCode = 1;
}
