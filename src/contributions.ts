// The one table of command ids and setting names. package.json must match it: a unit test checks both ways.

/** Command ids, as contributed in package.json `contributes.commands`. */
export const COMMANDS = {} as const;

/** Setting names under the `smtpDiagnostics.` prefix, as contributed in `contributes.configuration`. */
export const SETTINGS = {} as const;

export const SETTINGS_PREFIX = 'smtpDiagnostics';
export const COMMAND_CATEGORY = 'SMTP';
export const EXTENSION_ID = 'smtp-tools.smtp-diagnostics';
