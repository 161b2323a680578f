/** The streams a CLI subcommand talks to; tests pass their own. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream;
}

/** Exit codes shared by every subcommand; output that could not be written (a full disk) is an input/output error. */
export const EXIT = { ok: 0, inputError: 1, usage: 2 } as const;

export interface CliCommand {
  readonly name: string;
  /** Usage text printed on bad usage and for `smtp-diag help <name>`. */
  readonly usage: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** When args[index] is the option `--name V` or `--name=V`: V (undefined when nothing follows) and the index of the
 * last argument it took; undefined when args[index] is anything else. */
export function optionValue(args: readonly string[], index: number, name: string): { value: string | undefined; last: number } | undefined {
  const arg = args[index];
  if (arg === `--${name}`) return { value: args[index + 1], last: index + 1 };
  return arg.startsWith(`--${name}=`) ? { value: arg.slice(name.length + 3), last: index } : undefined;
}
