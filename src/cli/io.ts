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
