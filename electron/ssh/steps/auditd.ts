/**
 * Step `auditd` (informational): auditd, not shell history, is how to audit the scan account.
 * Is the audit daemon running (Linux auditd; FreeBSD/macOS OpenBSM auditd; Solaris auditd), and
 * what does `auditctl -s` say where it exists (Linux).
 */
import type { RanStep } from '../../../shared/auth.js';
import { AUDIT_KEY, AUDIT_RULES_FILE, auditRules } from '../../advice/hostCommands.js';
import type { Markers } from '../markers.js';
import { clip } from '../text.js';
import { scriptStep, type RemoteRun } from './context.js';

export interface ParsedAuditd {
  running: boolean;
  auditctl: boolean;
  /** `auditctl -s` lines (at most 8). */
  status: string[];
  /** `enabled` from `auditctl -s`: 0 off, 1 on, 2 locked; null when not printed. */
  enabled: number | null;
}

export function auditdScript(m: Markers): string {
  return (
    `if pidof auditd >/dev/null 2>&1 || pgrep -x auditd >/dev/null 2>&1; then ${m.flag('running')}; else ${m.flag('not-running')}; fi; ` +
    `if command -v auditctl >/dev/null 2>&1; then ${m.flag('auditctl')}; auditctl -s 2>/dev/null | head -n 8 | ${m.tagLines('s')}; fi`
  );
}

export function parseAuditd(text: string, m: Markers): ParsedAuditd {
  const lines = m.parse(text);
  const status = lines
    .all('s')
    .slice(0, 8)
    .map((s) => clip(s, 200));
  // "enabled 1" (auditctl >= 2.x) or "AUDIT_STATUS: enabled=1 flag=1 pid=..." (older).
  let enabled: number | null = null;
  for (const s of status) {
    const e = /(?:^|\s)enabled[ =]([012])\b/.exec(s);
    if (e?.[1]) {
      enabled = Number(e[1]);
      break;
    }
  }
  return { running: lines.has('running') && !lines.has('not-running'), auditctl: lines.has('auditctl'), status, enabled };
}

/**
 * The audit rules (b64 and b32) that record every command the scan account runs (by its login uid).
 * The rules, their key and file are the advice's (electron/advice): one name on the host for everything ScanReady adds.
 */
export function auditRulePair(uid: number | null): [string, string] {
  const [rule = '', rule32 = ''] = auditRules(String(uid ?? '<scan-account-uid>'));
  return [rule, rule32];
}

/** The b64 rule of the pair. */
export function auditRule(uid: number | null): string {
  return auditRulePair(uid)[0];
}

export function auditdResult(p: ParsedAuditd, r: RemoteRun, loginUid: number | null): RanStep<'auditd'> {
  const [rule, rule32] = auditRulePair(loginUid);
  return {
    id: 'auditd',
    ok: null,
    ms: r.ms,
    summary: p.running ? 'auditd is running: the scan account can be audited properly' : 'auditd is not running: nothing audits what the scan account does',
    explanation: `Informational. auditd, not shell history, is the mechanism to audit the scan account. Add the rules in ${AUDIT_RULES_FILE}: "${rule}" and "${rule32}", load them with "augenrules --load", read them with "ausearch -k ${AUDIT_KEY}", and forward the logs off the host (SIEM).`,
    data: { running: p.running, auditctl: p.auditctl, status: p.status, rule, rules: [rule, rule32] },
  };
}

export const auditdStep = scriptStep<ParsedAuditd>({
  id: 'auditd',
  marker: 'audit',
  as: 'root',
  script: (m) => auditdScript(m),
  parse: parseAuditd,
  result: (p, r, ctx) => auditdResult(p, r, ctx.state.loginUid),
});
