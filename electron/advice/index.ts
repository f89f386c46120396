/**
 * Advice — the public face of electron/advice: the one module that turns evidence into what to
 * change, for `scanready auth`, `scanready diagnose`, the app and web mode alike.
 * - `buildAdvice`: a whole diagnosis (network + credentials), ranked;
 * - `credentialAdvice`: a credential check alone (exactly the credential part of `buildAdvice`);
 * - `firewallActions` & co: ready-to-paste rules that let the scanner in;
 * - hostCommands: the commands pasted as root on the target (sudoers, auditd, sshd, fail2ban).
 * Pure: no I/O, no network. Every pasted value is quoted by shared/shell.ts.
 */
export { buildAdvice, type AdviceInput } from './network.js';
export { groupAdvice, scanDeadHostsAllowed, SCAN_DEAD_HOSTS_MAX, type GroupAdviceInput } from './group.js';
export { credentialAdvice, type CredentialAdviceContext } from './credentials.js';
export { credentialEvidence, type CredentialEvidence } from './evidence.js';
export {
  discoveryRuleSpec,
  firewallActions,
  firewalldCommands,
  heredocBody,
  networkFirewallActions,
  FORWARD_NFT_TARGET,
  iptablesRestore,
  nftablesScript,
  RULE_TAG,
  scannerFamily,
  splitScanners,
  ufwCommands,
  windowsCommands,
  type RuleSpec,
} from './firewall.js';
export { AUDIT_KEY, AUDIT_RULES_FILE, auditRules, HOST_TAG, SSH_LIMITS, SUDOERS_FILE, sudoersUser } from './hostCommands.js';
export { isCredentialAdvice, CREDENTIAL_ADVICE_IDS } from '../../shared/advice.js';
