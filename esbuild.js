// Bundles the extension, the CLI and the bounce report's webview. `--production` minifies and drops sourcemaps; `--watch` rebuilds on change.
const path = require('node:path');
const esbuild = require('esbuild');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints esbuild's problems in the `file:line:column: message` form VS Code's problem matcher reads. */
const problemReporter = {
  name: 'problem-reporter',
  setup(build) {
    build.onStart(() => {
      if (watch) console.log('[watch] build started');
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log('[watch] build finished');
    });
  },
};

/** The CLI's subcommands (src/cli/main.ts requires each one only when it runs): each is a bundle of its own. */
const CLI_COMMANDS = ['explain', 'extract', 'merge', 'report', 'trace', 'mx', 'probe'];
const cliMain = path.join(__dirname, 'src', 'cli', 'main.ts');

/** In dist/cli.js, main.ts's require of a command's module loads that command's bundle, dist/cli-NAME.js. */
const commandBundles = {
  name: 'command-bundles',
  setup(build) {
    const filter = new RegExp(`^\\./(${CLI_COMMANDS.join('|')})$`);
    build.onResolve({ filter }, ({ path: request, importer }) => (importer === cliMain ? { path: `./cli-${request.slice(2)}.js`, external: true } : undefined));
  },
};

/** postal-mime's part decoders get a Blob that only joins bytes (src/core/bounce/bytesBlob.ts says why). */
const inject = [path.join(__dirname, 'src', 'core', 'bounce', 'bytesBlob.ts')];

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'silent',
  plugins: [problemReporter],
  inject,
};

/** The bounce report's webview runs in the browser: its script (Chart.js bundled in) and stylesheet load from dist/. */
const webview = { ...common, platform: 'browser', format: 'iife', target: 'es2022', inject: [] };

const targets = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, plugins: [...common.plugins, commandBundles] },
  ...CLI_COMMANDS.map((name) => ({ ...common, entryPoints: [`src/cli/${name}.ts`], outfile: `dist/cli-${name}.js` })),
  { ...webview, entryPoints: ['src/webview/reportView.ts'], outfile: 'dist/reportView.js' },
  { ...webview, entryPoints: ['src/webview/reportView.css'], outfile: 'dist/reportView.css' },
  // The CLI reads big logs on all cores (src/core/bounce/logWorkers.ts): the worker's own, smaller bundle.
  { ...common, entryPoints: ['src/core/bounce/logWorker.ts'], outfile: 'dist/logWorker.js' },
];

async function main() {
  const contexts = await Promise.all(targets.map((options) => esbuild.context(options)));
  if (watch) {
    await Promise.all(contexts.map((context) => context.watch()));
    return;
  }
  const results = await Promise.all(contexts.map((context) => context.rebuild()));
  await Promise.all(contexts.map((context) => context.dispose()));
  if (results.some((result) => result.errors.length > 0)) process.exitCode = 1;
}

module.exports = { inject };

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
