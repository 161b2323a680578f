// MX diagnostics engine: lookup, SMTP probe, batch check and their Markdown reports. No `vscode` here.
export * from './types';
export { parseDomain, domainTokenAt } from './domainName';
export type { DomainToken, ParsedDomain } from './domainName';
export { parseDnsServer, parseDnsServers } from './dnsServers';
export { lookupMx, describeDnsError, MAX_RESOLVED_MX_HOSTS } from './lookup';
export { probeHost, probeDomain, probeTargets } from './probe';
export { checkDomains } from './batch';
export { mapWithLimit, DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from './limiter';
export { timeoutProblem } from './timerLimit';
export type { BatchOptions, DomainCheck } from './batch';
export { bouncedDomainsReport, inlineCode, mxReport, mxStatus, probeReport } from './report';
export type { AffectedDomain } from './report';
export { withoutControls } from '../text';
