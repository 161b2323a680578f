// A command's bundle compiled with the code V8 made for it in an earlier run (V8's code cache). Compiling the bundle
// and then the functions it runs took `smtp-diag trace` about 8 ms of each run (docs/benchmarks.md, trace).
//
// The cache is a file beside the bundle, in the package: it is code, so it is kept where only those who may change the
// bundle may write (not in a shared temporary folder). V8 checks that a cache is of its own version and flags, but of
// the source only its length: the cache's name holds the V8 version, the architecture, and the bundle's inode, size
// and change time (ctime, which no tool sets back: any write of the bundle gives a cache of another name). Hashing the
// bundle instead took 3 ms (loading node:crypto). A missing cache, or one V8 rejects, is made anew when the process
// exits; a package folder that cannot be written to just has none.
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, wrap } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

const SUFFIX = '.v8cache';

/** Where the cache of the bundle `file` is kept. */
export function codeCacheFile(file: string): string {
  const { ino, size, ctimeNs } = statSync(file, { bigint: true });
  const key = `${process.versions.v8}-${process.arch}-${ino}-${size}-${ctimeNs}`.replace(/[^\w.-]/g, '_');
  return `${file}.${key}${SUFFIX}`;
}

/** The CommonJS module in `file` (a bundle: it requires only Node's own modules), compiled with its code cache. */
export function requireWithCodeCache(file: string): unknown {
  const { exports, save } = loadWithCodeCache(file);
  // Made at exit, so that it holds the functions the command compiled as it ran, not only the bundle's top level.
  if (save) process.once('exit', save);
  return exports;
}

/** The module's exports, and when its cache is missing or was rejected, what writes it anew. */
export function loadWithCodeCache(file: string): { exports: unknown; save?: () => void } {
  const cacheFile = codeCacheFile(file);
  const source = readFileSync(file, 'utf8');
  // A bundle written while it was read (a build) is compiled without a cache, and none is made for it.
  const unchanged = codeCacheFile(file) === cacheFile;
  let cachedData: Buffer | undefined;
  try {
    cachedData = unchanged ? readFileSync(cacheFile) : undefined;
  } catch {
    cachedData = undefined;
  }
  const script = new Script(wrap(source), { filename: file, cachedData });
  const module = { exports: {} };
  const run = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  const stale = unchanged && (!cachedData || script.cachedDataRejected === true);
  return { exports: module.exports, save: stale ? () => saveCodeCache(script, file, cacheFile) : undefined };
}

/** Writes the cache whole (renamed into place) and removes the bundle's other caches; fails silently. */
function saveCodeCache(script: Script, file: string, cacheFile: string): void {
  const partial = `${cacheFile}.${process.pid}.tmp`;
  try {
    writeFileSync(partial, script.createCachedData(), { flag: 'wx' });
    renameSync(partial, cacheFile);
    const folder = dirname(file);
    const prefix = `${basename(file)}.`;
    for (const name of readdirSync(folder)) {
      if (name.startsWith(prefix) && name.endsWith(SUFFIX) && join(folder, name) !== cacheFile) rmSync(join(folder, name), { force: true });
    }
  } catch {
    try {
      rmSync(partial, { force: true });
    } catch {
      // Nothing more to do.
    }
  }
}
