// MX batch benchmark: 1,000 domains against a real DNS server on loopback, sequential lookups vs the batch
// engine, in one run. The DNS server runs in a child process so that the open sockets counted here, from
// /proc/self/fd, are the resolver's alone. Goal: the batch under 3 s, never more sockets than its concurrency.
import { fork } from 'node:child_process';
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DOMAINS = 1000;
const CONCURRENCY = 16;
const GOAL_MS = 3000;
/** Loopback answers at once; real resolvers are a round trip away, which is where concurrency pays. */
const SCENARIOS = [{ name: 'loopback, no delay', delayMs: 0 }, { name: 'loopback, 2 ms simulated round trip', delayMs: 2 }];

// The engine and the test DNS server are TypeScript: bundle them once into a temporary CommonJS file.
const outdir = mkdtempSync(join(tmpdir(), 'smtp-diag-bench-mx-'));
await esbuild.build({
  entryPoints: { mx: join(root, 'src/core/mx/index.ts'), dnsServer: join(root, 'test/support/dns-server.ts') },
  bundle: true, platform: 'node', format: 'cjs', target: 'node20', outdir, logLevel: 'error',
});
const require = createRequire(import.meta.url);
const { checkDomains, lookupMx } = require(join(outdir, 'mx.js'));
const { startDnsServer, withBenchDomains, TEST_ZONE } = require(join(outdir, 'dnsServer.js'));

if (process.argv[2] === 'server') {
  // Child: serve the zone and report the address to the parent.
  const { zone } = withBenchDomains(TEST_ZONE, DOMAINS);
  const servers = await Promise.all(SCENARIOS.map(({ delayMs }) => startDnsServer(zone, { delayMs })));
  process.send({ addresses: servers.map((server) => server.address) });
  process.on('disconnect', () => Promise.all(servers.map((server) => server.close())).then(() => {
    rmSync(outdir, { recursive: true, force: true });
    process.exit(0);
  }));
} else {
  await main();
}

function openSockets() {
  let count = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:')) count += 1;
    } catch {
      // The descriptor closed while we were listing.
    }
  }
  return count;
}

async function main() {
  const child = fork(fileURLToPath(import.meta.url), ['server'], { stdio: 'inherit' });
  const { addresses } = await new Promise((resolve) => child.once('message', resolve));
  const { domains } = withBenchDomains(TEST_ZONE, DOMAINS);
  console.log(`${DOMAINS} domains (20 shared MX hosts), DNS server: dns2 in a child process`);
  let ok = true;
  for (const [index, scenario] of SCENARIOS.entries()) ok = (await measure(scenario.name, addresses[index], domains)) && ok;
  console.log(`goal: batch < ${GOAL_MS} ms with <= ${CONCURRENCY} open sockets: ${ok ? 'met' : 'NOT met'}`);
  child.disconnect();
  rmSync(outdir, { recursive: true, force: true });
  process.exitCode = ok ? 0 : 1;
}

async function measure(name, address, domains) {
  const dns = { servers: [address], timeoutMs: 5000, tries: 2 };
  const baseline = openSockets();

  let started = performance.now();
  let sequentialFailures = 0;
  for (const domain of domains) if ((await lookupMx(domain, dns)).error) sequentialFailures += 1;
  const sequentialMs = performance.now() - started;

  // The batch with one lookup at a time: what the per-run cache alone gives.
  started = performance.now();
  await checkDomains(domains, { dns, concurrency: 1 });
  const cachedOnlyMs = performance.now() - started;

  let peak = 0;
  const sample = () => { peak = Math.max(peak, openSockets() - baseline); };
  const sampler = setInterval(sample, 1);
  started = performance.now();
  const checks = await checkDomains(domains, { dns, concurrency: CONCURRENCY, onProgress: sample });
  const batchMs = performance.now() - started;
  clearInterval(sampler);
  const batchFailures = checks.filter((check) => check.mx.error).length;

  console.log(`\n${name} (${address})`);
  console.log(`  sequential lookups        ${sequentialMs.toFixed(0).padStart(6)} ms, ${sequentialFailures} failed`);
  console.log(`  batch, concurrency 1      ${cachedOnlyMs.toFixed(0).padStart(6)} ms (per-run cache only)`);
  console.log(`  batch, concurrency ${CONCURRENCY}     ${batchMs.toFixed(0).padStart(6)} ms, ${batchFailures} failed: ${(sequentialMs / batchMs).toFixed(1)}x sequential`);
  console.log(`  peak open sockets         ${String(peak).padStart(6)} (limit ${CONCURRENCY})`);
  return batchMs < GOAL_MS && peak <= CONCURRENCY && batchFailures === 0;
}
