// `npm run bench`: runs every benchmark in scripts/bench/ in name order; each prints its own figures.
// Pass a name fragment to run only matching benchmarks: npm run bench -- grammar
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv[2];
spawnSync(process.execPath, [join(root, 'esbuild.js')], { cwd: root, stdio: 'inherit' });
const benches = readdirSync(join(root, 'scripts', 'bench')).filter((file) => file.endsWith('.mjs') && (!only || file.includes(only))).sort();
if (benches.length === 0) console.log('No benchmark matches.');
let failed = 0;
for (const file of benches) {
  console.log(`\n━━ ${file} ━━`);
  const result = spawnSync(process.execPath, ['--expose-gc', join(root, 'scripts', 'bench', file)], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
}
process.exitCode = failed > 0 ? 1 : 0;
