/**
 * Advice from a credential check alone (the diagnosis layer may add to or rank it).
 * Ids are the stable ones in shared/diagnosis.ts.
 */
import { stepData, type AuthResult, type AuthStep } from '../../shared/auth.js';
import type { Advice } from '../../shared/diagnosis.js';

export function authAdvice(r: AuthResult): Advice[] {
  const out: Advice[] = [];
  const step = (id: AuthStep['id']): AuthStep | undefined => r.steps.find((s) => s.id === id);
  const user = r.user;
  const hk = step('host-key');
  if (hk?.reason === 'host-key-changed') {
    out.push({
      id: 'host-key-changed',
      title: 'The host key changed: verify it before trusting it',
      why: hk.summary,
      severity: 'fix',
      actions: [
        { label: 'on the host', kind: 'command', text: 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub' },
        { label: 'then', kind: 'text', text: 'If the fingerprint matches what the host owner reports, remove the old entry from the known-hosts store (and the scanner\'s) and run again.' },
      ],
    });
  }
  const login = step('login');
  if (login?.ok === false) {
    out.push({
      id: 'fix-login',
      title: 'Fix the scan account\'s login',
      why: login.summary,
      severity: 'fix',
      actions: [
        { label: 'on the host', kind: 'command', text: `journalctl -u ssh -u sshd --since -1h | grep -F ${JSON.stringify(user)}` },
        { label: 'check', kind: 'text', text: 'Password/key in the auth record, account not locked or expired (chage -l), AllowUsers/AllowGroups in sshd_config.' },
      ],
    });
  }
  const el = step('elevate');
  switch (el?.reason) {
    case 'password-required':
      out.push({
        id: 'grant-nopasswd',
        title: 'Let the scan account elevate without a password',
        why: el.summary,
        severity: 'fix',
        actions: [{ label: 'visudo -f /etc/sudoers.d/scan-account', kind: 'command', text: `${user} ALL=(ALL) NOPASSWD: ALL` }],
      });
      out.push({ id: 'delegation-password', title: 'Or give the auth record the delegation password', why: el.summary, severity: 'tip', actions: [{ label: 'scanner', kind: 'text', text: 'Set the root delegation password in the Unix authentication record.' }] });
      break;
    case 'wrong-password':
      out.push({ id: 'delegation-password', title: 'Correct the delegation password', why: el.summary, severity: 'fix', actions: [{ label: 'scanner', kind: 'text', text: 'The password given for root delegation was rejected: update it in the authentication record.' }] });
      break;
    case 'requiretty':
      if (stepData(r.steps, 'elevate')?.visiblepw === true) {
        out.push({
          id: 'disable-requiretty',
          title: 'Let sudo read the delegation password (Defaults !visiblepw)',
          why: el.summary,
          severity: 'fix',
          actions: [
            { label: 'scanner', kind: 'text', text: 'Use a delegation command that reads the password from stdin (sudo -S) or runs on a PTY; do not set visiblepw.' },
            { label: 'visudo -f /etc/sudoers.d/scan-account', kind: 'command', text: `${user} ALL=(ALL) NOPASSWD: ALL` },
          ],
        });
        break;
      }
      out.push({
        id: 'disable-requiretty',
        title: 'Drop requiretty for the scan account',
        why: el.summary,
        severity: 'fix',
        actions: [{ label: 'visudo -f /etc/sudoers.d/scan-account', kind: 'command', text: `Defaults:${user} !requiretty` }],
      });
      break;
    case 'not-in-sudoers':
    case 'command-not-allowed':
      out.push({
        id: 'unrestricted-sudo',
        title: 'Allow the scan account to become root',
        why: el.summary,
        severity: 'fix',
        actions: [{ label: 'visudo -f /etc/sudoers.d/scan-account', kind: 'command', text: `${user} ALL=(ALL) NOPASSWD: ALL` }],
      });
      break;
    default:
      break;
  }
  const rules = step('sudo-rules');
  if (rules?.reason === 'restricted' && !out.some((a) => a.id === 'unrestricted-sudo')) {
    out.push({
      id: 'unrestricted-sudo',
      title: 'Replace granular sudo rules with ALL (and audit with auditd)',
      why: rules.summary,
      severity: 'fix',
      actions: [{ label: 'visudo -f /etc/sudoers.d/scan-account', kind: 'command', text: `${user} ALL=(ALL) NOPASSWD: ALL` }],
    });
  }
  const tmp = step('tmp-exec');
  if (tmp?.ok === false) {
    out.push({
      id: 'tmp-exec',
      title: 'Let scan scripts run from /tmp',
      why: tmp.summary,
      severity: 'fix',
      actions: [
        { label: 'check', kind: 'command', text: 'findmnt -no OPTIONS /tmp' },
        { label: 'temporarily, for the scan window', kind: 'command', text: 'mount -o remount,exec /tmp' },
      ],
    });
  }
  const ses = step('sessions');
  if (ses?.ok === false) {
    const banned = ses.reason === 'banned' || ses.reason === 'auth-throttled';
    out.push({
      id: banned ? 'whitelist-fail2ban' : 'raise-ssh-limits',
      title: banned ? 'Whitelist the scanner in fail2ban/sshguard' : 'Raise sshd MaxSessions / MaxStartups for the scan',
      why: ses.summary,
      severity: 'fix',
      actions: banned
        ? [{ label: '/etc/fail2ban/jail.local', kind: 'command', text: '[DEFAULT]\nignoreip = 127.0.0.1/8 <scanner-ip>' }]
        : [{ label: '/etc/ssh/sshd_config', kind: 'command', text: 'MaxSessions 20\nMaxStartups 30:30:100' }],
    });
  }
  const audit = step('auditd');
  const auditData = stepData(r.steps, 'auditd');
  if (audit && audit.ok === null && auditData?.running === false) {
    out.push({
      id: 'audit-scan-account',
      title: 'Audit the scan account with auditd (not shell history)',
      why: audit.summary,
      severity: 'tip',
      actions: [{ label: '/etc/audit/rules.d/scan-account.rules', kind: 'command', text: auditData.rule }],
    });
  }
  return out;
}
