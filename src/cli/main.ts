/* eslint-disable @typescript-eslint/no-require-imports -- each command's module is loaded only when it runs */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { escapeUnsafe } from '../core/bounce/safeText';
import type { CliCommand, CliIo } from './io';
import { EXIT } from './io';
import { version } from '../../package.json';
import { requireWithCodeCache } from './codeCache';
import { watchWriteErrors } from './output';

/** A subcommand as `--help` lists it; its code is loaded when it runs. */
interface CommandEntry {
  readonly name: string;
  /** One line for `smtp-diag --help`. */
  readonly summary: string;
  readonly load: () => CliCommand;
}

/**
 * A command's module. In dist/ each command is a bundle of its own (esbuild.js), so that `smtp-diag trace` neither
 * compiles nor runs the bounce engine, postal-mime or the knowledge base (compiling the one bundle of them all took
 * 25-40 ms of each run); it is loaded with V8's code cache (codeCache.ts). From the TypeScript output (the unit tests),
 * the module itself.
 */
function commandModule<T>(name: string, own: () => T): T {
  const bundle = join(__dirname, `cli-${name}.js`);
  return existsSync(bundle) ? (requireWithCodeCache(bundle) as T) : own();
}

/** Subcommands, in the order `--help` lists them. Each is loaded only when it runs. */
const COMMANDS: readonly CommandEntry[] = [
  { name: 'explain', summary: 'Explain a status code (5.3.2, 4.7.26, 550, "550 5.1.1"): meaning, hard/soft, causes, what to do', load: () => commandModule('explain', () => require('./explain') as typeof import('./explain')).explainCommand },
  { name: 'extract', summary: 'Hard-bounced addresses from logs and bounce messages (suppression list, CSV or JSON)', load: () => commandModule('extract', () => require('./extract') as typeof import('./extract')).extractCommand },
  { name: 'merge', summary: 'Merge the NDJSON of "extract --deliveries" run apart over rotated logs into one list', load: () => commandModule('merge', () => require('./merge') as typeof import('./merge')).mergeCommand },
  { name: 'report', summary: 'Bounce report per domain, code, reason and remote host', load: () => commandModule('report', () => require('./report') as typeof import('./report')).reportCommand },
  { name: 'trace', summary: 'Every line of one message (queue ID, Message-ID or address), following hand-offs', load: () => commandModule('trace', () => require('./trace') as typeof import('./trace')).traceCommand },
  { name: 'mx', summary: 'Look up the MX records of domains (null MX, implicit MX, host addresses)', load: () => commandModule('mx', () => require('./mx') as typeof import('./mx')).mxCommand },
  { name: 'probe', summary: 'Test whether the MX hosts of a domain accept SMTP connections (greeting, EHLO, STARTTLS)', load: () => commandModule('probe', () => require('./probe') as typeof import('./probe')).probeCommand },
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

/**
 * Runs one CLI invocation and returns its exit code. `io`'s stderr and stdin are taken only when used: making
 * process.stdin or process.stderr of a pipe took 2-4 ms each (src/cli.ts gives them as getters), and most runs read
 * no stdin and write nothing to stderr.
 */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const outputError = watchWriteErrors(io.stdout);
  let stderr: NodeJS.WritableStream | undefined;
  const used: CliIo = {
    stdout: io.stdout,
    get stderr() {
      if (!stderr) {
        stderr = io.stderr;
        // Errors writing stderr have nowhere to be told.
        watchWriteErrors(stderr);
      }
      return stderr;
    },
    get stdin() {
      return io.stdin;
    },
  };
  const code = await runCommand(args, used);
  const error = outputError();
  if (!error) return code;
  used.stderr.write(`smtp-diag: cannot write the output: ${error.message}\n`);
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
    io.stderr.write(`smtp-diag: unknown command "${escapeUnsafe(name)}". Run "smtp-diag --help" for the list.\n`);
    return EXIT.usage;
  }
  return command.load().run(rest, io);
}
