/**
 * Words for people: what each probe outcome, verdict, credential status and credential step is
 * called in the UI and in the CLI's human output. Codes stay in JSON; these tables are the one
 * place their wording lives.
 */
import type { AuthStatus } from './auth.js';
import type { AuthStepId } from './authSteps.js';
import type { ProbeOutcome, Verdict } from './discovery.js';

/** What each outcome means, for people (the UI, the CLI's watch and compare). Codes stay in JSON. */
export const OUTCOME_LABEL: Readonly<Record<ProbeOutcome, string>> = {
  'syn-ack': 'SYN-ACK (open)',
  rst: 'RST (closed, alive)',
  'echo-reply': 'echo reply',
  'timestamp-reply': 'timestamp reply',
  'udp-reply': 'UDP reply',
  'icmp-port-unreachable': 'port unreachable',
  'icmp-admin-prohibited': 'admin prohibited',
  'icmp-unreachable': 'unreachable',
  'icmp-time-exceeded': 'TTL exceeded',
  'no-response': 'no response',
  'needs-privilege': 'needs privilege',
  error: 'error',
  cancelled: 'cancelled',
};

export const VERDICT_LABEL: Readonly<Record<Verdict, string>> = {
  alive: 'Alive',
  'not-alive': 'Not alive',
  'rejected-by-host': 'Rejected by the host',
  'filtered-in-path': 'Filtered on the path',
  inconclusive: 'Inconclusive',
};

export const AUTH_STATUS_LABEL: Readonly<Record<AuthStatus, string>> = {
  passed: 'Passed',
  'passed-insufficient': 'Passed* — insufficient privileges',
  failed: 'Failed',
  'not-attempted': 'Not attempted',
};

export const STEP_LABEL: Readonly<Record<AuthStepId, string>> = {
  reach: 'SSH port reachable',
  handshake: 'SSH handshake',
  'host-key': 'Host key',
  login: 'Login',
  uid: 'User id before delegation',
  elevate: 'Root delegation',
  'uid-elevated': 'User id after delegation (must be 0)',
  'sudo-rules': 'sudo rules (sudo -l)',
  'tmp-exec': 'Scripts run from /tmp',
  sessions: 'Parallel SSH sessions',
  commands: 'Commands the scan uses',
  listening: 'Listening ports',
  history: "Root's shell history",
  auditd: 'auditd',
};
