// Entry point of the `smtp-diag` command-line tool (bundled to dist/cli.js).
import { runCli } from './cli/main';

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin })
  .then((exitCode) => { process.exitCode = exitCode; })
  .catch((error: unknown) => {
    process.stderr.write(`smtp-diag: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
