import { CliCommand, CliIo, EXIT } from './io';
import { version } from '../../package.json';
import { explainCommand } from './explain';
import { extractCommand } from './extract';
import { reportCommand } from './report';
import { mxCommand } from './mx';
import { probeCommand } from './probe';
import { traceCommand } from './trace';
import { watchWriteErrors } from './output';

/** Subcommands, in the order `--help` lists them. */
const COMMANDS: readonly CliCommand[] = [
  explainCommand,
  extractCommand,
  reportCommand,
  traceCommand,
  mxCommand,
  probeCommand,
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
    io.stdout.write(target ? `${target.usage}\n` : helpText());
    return EXIT.ok;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    io.stderr.write(`smtp-diag: unknown command "${name}". Run "smtp-diag --help" for the list.\n`);
    return EXIT.usage;
  }
  return command.run(rest, io);
}
