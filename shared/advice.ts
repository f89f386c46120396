/**
 * Advice: what to change, from the evidence of a diagnosis or a credential check. One contract for
 * both (shared/auth.ts and shared/diagnosis.ts import it from here, so neither imports the other).
 * Built by electron/advice; shown by the CLI, the UI and bundles.
 */

/** Stable advice ids; more may be added, these keep their meaning. */
export type AdviceId =
  | 'allow-scanner'
  | 'enable-icmp'
  | 'add-tcp-port'
  | 'add-udp-port'
  | 'scan-dead-hosts'
  | 'path-filter'
  | 'host-firewall-rejects'
  | 'check-address'
  | 'local-send-error'
  | 'run-privileged-probes'
  | 'fix-login'
  | 'grant-nopasswd'
  | 'delegation-password'
  | 'disable-requiretty'
  | 'unrestricted-sudo'
  | 'tmp-exec'
  | 'raise-ssh-limits'
  | 'whitelist-fail2ban'
  | 'host-key-changed'
  | 'audit-scan-account'
  | 'debug-bundle';

/** The ids a credential check can produce; a diagnosis copies exactly these into `auth.advice`. */
export const CREDENTIAL_ADVICE_IDS = [
  'fix-login',
  'grant-nopasswd',
  'delegation-password',
  'disable-requiretty',
  'unrestricted-sudo',
  'tmp-exec',
  'raise-ssh-limits',
  'whitelist-fail2ban',
  'host-key-changed',
  'audit-scan-account',
] as const satisfies readonly AdviceId[];
export type CredentialAdviceId = (typeof CREDENTIAL_ADVICE_IDS)[number];

const CREDENTIAL_SET: ReadonlySet<AdviceId> = new Set<AdviceId>(CREDENTIAL_ADVICE_IDS);

/** True for advice about the credentials (as opposed to the network side). */
export function isCredentialAdvice(a: Pick<Advice, 'id'>): boolean {
  return CREDENTIAL_SET.has(a.id);
}

export interface AdviceAction {
  /** What this action is, e.g. "nftables", "iptables", "Qualys option profile". */
  label: string;
  /**
   * `command`: ready to paste into a shell (PowerShell when the label says so); every value in it was
   * quoted by shared/shell.ts. `text`: a step in words.
   */
  kind: 'command' | 'text';
  text: string;
}

export type AdviceSeverity = 'fix' | 'tip';

export interface Advice {
  id: AdviceId;
  title: string;
  /** Why it applies, pointing at the evidence. */
  why: string;
  actions: AdviceAction[];
  /** `fix`: explains the verdict; `tip`: robustness, lower rank. */
  severity: AdviceSeverity;
  /** Ports this advice is about (add-tcp-port / add-udp-port). */
  ports?: number[];
  /** Hop address (path-filter). */
  hop?: string;
}
