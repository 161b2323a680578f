// Entry point of the `smtp-diag` command-line tool (bundled to dist/cli.js).
import { setFlagsFromString } from 'node:v8';
import { runCli } from './cli/main';
import { escapeUnsafe } from './core/bounce/safeText';

// V8 learns that objects made at a place in the code live long and then makes them in the old generation at once.
// The engine's records taught it that while a log was read; writing them out (110 MB of JSON for 214,000 records) then
// made the output's short-lived strings there too, and the heap grew by 100 MB before a full collection in 4 runs of
// 10. Without it the peak RSS stayed at 202-213 MB in 8 of 8, for the same CPU time (docs/benchmarks.md). The CLI's
// process only: the extension runs in VS Code's.
setFlagsFromString('--no-allocation-site-pretenuring');

// stderr and stdin as getters: each is made only if the command uses it (runCli).
// Ctrl+C and kill end the process through its 'exit' handlers (which remove temporary record runs), with the
// shell's status for the signal.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

runCli(process.argv.slice(2), { stdout: process.stdout, get stderr() { return process.stderr; }, get stdin() { return process.stdin; } })
  .then((exitCode) => { process.exitCode = exitCode; })
  .catch((error: unknown) => {
    process.stderr.write(`smtp-diag: ${escapeUnsafe(error instanceof Error ? error.message : String(error))}\n`);
    process.exitCode = 1;
  });
