/* eslint-disable @typescript-eslint/no-require-imports -- each command's module is loaded only when it runs */
import type { CliCommand, CliIo } from './io';
import { EXIT } from './io';
import { version } from '../../package.json';
import { watchWriteErrors } from './output';

/** A subcommand as `--help` lists it; its code is loaded when it runs. */
interface CommandEntry {
  readonly name: string;
  /** One line for `smtp-diag --help`. */
  readonly summary: string;
  readonly load: () => CliCommand;
}

/**
 * Subcommands, in the order `--help` lists them. Each is required only when it runs: in dist/ each is a bundle of its
 * own (esbuild.js), so that `smtp-diag trace` neither compiles nor runs the bounce engine, postal-mime or the
 * knowledge base (compiling the one bundle of them all took 25-40 ms of each run).
 */
const COMMANDS: readonly CommandEntry[] = [
  { name: 'explain', summary: 'Explain a status code (5.3.2, 4.7.26, 550, "550 5.1.1"): meaning, hard/soft, causes, what to do', load: () => (require('./explain') as typeof import('./explain')).explainCommand },
  { name: 'extract', summary: 'Hard-bounced addresses from logs and bounce messages (suppression list, CSV or JSON)', load: () => (require('./extract') as typeof import('./extract')).extractCommand },
  { name: 'report', summary: 'Bounce report per domain, code, reason and remote host', load: () => (require('./report') as typeof import('./report')).reportCommand },
  { name: 'trace', summary: 'Every line of one message (queue ID, Message-ID or address), following hand-offs', load: () => (require('./trace') as typeof import('./trace')).traceCommand },
  { name: 'mx', summary: 'Look up the MX records of domains (null MX, implicit MX, host addresses)', load: () => (require('./mx') as typeof import('./mx')).mxCommand },
  { name: 'probe', summary: 'Test whether the MX hosts of a domain accept SMTP connections (greeting, EHLO, STARTTLS)', load: () => (require('./probe') as typeof import('./probe')).probeCommand },
];

function helpText(): string {
  const width = Math.max(8, ...COMMANDS.map((command) => command.name.length));
  const lines = COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return [
    `smtp-diag ${version}: SMTP status codes, bounces and MX diagnostics`,
    '',
    'Usage: smtp-diag <command> [options]',
    '',
    'Commands:',
    ...lines,
    `  ${'help'.padEnd(width)}  Show this help, or a command's usage: smtp-diag help <command>`,
    '',
    'Options: --help, --version',
    '',
  ].join('\n');
}

/** Runs one CLI invocation and returns its exit code. */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const outputError = watchWriteErrors(io.stdout);
  // Errors writing stderr have nowhere to be told.
  watchWriteErrors(io.stderr);
  const code = await runCommand(args, io);
  const error = outputError();
  if (!error) return code;
  io.stderr.write(`smtp-diag: cannot write the output: ${error.message}\n`);
  return Math.max(code, EXIT.inputError);
}

async function runCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h') {
    io.stdout.write(helpText());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`${version}\n`);
    return EXIT.ok;
  }
  if (name === 'help') {
    const target = COMMANDS.find((command) => command.name === rest[0]);
    io.stdout.write(target ? `${target.load().usage}\n` : helpText());
    return EXIT.ok;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    io.stderr.write(`smtp-diag: unknown command "${name}". Run "smtp-diag --help" for the list.\n`);
    return EXIT.usage;
  }
  return command.load().run(rest, io);
}
