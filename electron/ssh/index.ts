/** The SSH engine's public face: credential check, known hosts, parsers. Plain Node, no electron. */
export { runAuthCheck, type AuthCheckOptions } from './authCheck.js';
export { identifyService, parseBanner } from './steps/handshake.js';
export { KnownHostsStore, hostToken, patternMatches, type KnownHostEntry, type ImportReport } from './knownHosts.js';
export { SshError, isSshError } from './errors.js';
export { openTcp, sshConnect, SshConnection, type ExecOptions, type ExecResult, type Credentials } from './client.js';
export { become, buildDelegationCommand, classifyFailure, templateProblem, type BecomeConfig, type BecomeOutcome } from './elevate.js';
export { parseListening, markCandidates, splitAddress } from './steps/listening.js';
export { parseSudoList, type SudoRulesSummary } from './steps/sudoRules.js';
export { loadPrivateKey, keyFormat } from './keys.js';
export { shQuote } from '../../shared/shell.js';
