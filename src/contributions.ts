// The one table of command ids and setting names. package.json must match it: a unit test checks both ways.

/** Command ids, as contributed in package.json `contributes.commands`. */
export const COMMANDS = {
  explainCode: 'smtpDiagnostics.explainCode',
  extractHardBounces: 'smtpDiagnostics.extractHardBounces',
  showBounceReport: 'smtpDiagnostics.showBounceReport',
  lookupMx: 'smtpDiagnostics.lookupMx',
  probeSmtp: 'smtpDiagnostics.probeSmtp',
  checkBouncedDomains: 'smtpDiagnostics.checkBouncedDomains',
  openCompressedLog: 'smtpDiagnostics.openCompressedLog',
  openDecodedPart: 'smtpDiagnostics.openDecodedPart',
  traceMessage: 'smtpDiagnostics.traceMessage',
  filterMailLog: 'smtpDiagnostics.filterMailLog',
} as const;

/** Custom editor view types, as contributed in package.json `contributes.customEditors`. */
export const CUSTOM_EDITORS = {
  compressedLog: 'smtpDiagnostics.compressedLog',
} as const;

/** Setting names under the `smtpDiagnostics.` prefix, as contributed in `contributes.configuration`. */
export const SETTINGS = {
  bounceSoftCodes: 'bounce.softCodes',
  bounceHardCodes: 'bounce.hardCodes',
  extractFormat: 'extract.format',
  dnsServers: 'dns.servers',
  dnsTimeoutMs: 'dns.timeoutMs',
  dnsTries: 'dns.tries',
  dnsConcurrency: 'dns.concurrency',
  smtpPort: 'smtp.port',
  smtpTimeoutMs: 'smtp.timeoutMs',
  decorationsEnabled: 'decorations.enabled',
} as const;

/** Theme colour ids, as contributed in package.json `contributes.colors`: the status classes' own colours, and the
 * review verdict's in the report (src/webview/reportView.css names them as CSS variables). */
export const COLORS = {
  failureForeground: 'smtpDiagnostics.failureForeground',
  failureBackground: 'smtpDiagnostics.failureBackground',
  deferralForeground: 'smtpDiagnostics.deferralForeground',
  deferralBackground: 'smtpDiagnostics.deferralBackground',
  reviewForeground: 'smtpDiagnostics.reviewForeground',
  successForeground: 'smtpDiagnostics.successForeground',
  successBackground: 'smtpDiagnostics.successBackground',
} as const;

export const SETTINGS_PREFIX = 'smtpDiagnostics';
export const COMMAND_CATEGORY = 'SMTP';
export const EXTENSION_ID = 'smtp-tools.smtp-diagnostics';
