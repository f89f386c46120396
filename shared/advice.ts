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
  /**
   * A CLI line that repeats what the app offers as a button (e.g. "verify": the app has
   * "Re-run with this profile"). The CLI and bundles show it; the app does not.
   */
  cliOnly?: boolean;
}

/** What a re-run should add to the profile to check this advice (the app's "Re-run with this profile"). */
export interface AdviceRerun {
  tcp?: number[];
  udp?: number[];
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
  /** Ports to add for a re-run that checks this advice. */
  rerun?: AdviceRerun;
  /**
   * A ready-to-send message for whoever must make the change (network/firewall team): what, from
   * which scanner address, to which host and ports, and why.
   */
  request?: string;
}

/**
 * Advice lists are in rank order (electron/advice ranks them; faces never re-rank): the first item,
 * when it is a `fix`, is the one to do first. Returns it, or null when the list holds only tips.
 */
export function doFirst<A extends Pick<Advice, 'severity'>>(advice: readonly A[]): A | null {
  const top = advice[0];
  return top && top.severity === 'fix' ? top : null;
}
