/**
 * Credential advice: what to change so an authenticated scan logs in and becomes root. One function
 * for every entry point — `scanready auth`, `scanready diagnose`, the app and web mode — so the same
 * evidence gives the same advice. Pure: no I/O.
 */
import type { Advice, AdviceAction } from '../../shared/advice.js';
import type { AuthResult } from '../../shared/auth.js';
import { credentialEvidence, type CredentialEvidence, type StepFacts } from './evidence.js';
import {
  auditCommands,
  fail2banCommands,
  forgetHostKeyCommand,
  installSudoersCommand,
  loginCheckCommands,
  nopasswdLine,
  noRequirettyLine,
  SCANNER_PLACEHOLDER,
  sshdLimitsCommand,
  SUDOERS_FILE,
  SUDOERS_TTY_FILE,
  sudoListCommand,
  AUDIT_KEY,
} from './hostCommands.js';
import { list } from './text.js';

/** Settings that shape credential advice (not evidence). */
export interface CredentialAdviceContext {
  /**
   * Scanner addresses the operator gave (validated IPs). Never this machine's address guessed for the
   * firewall rules: with none given, a visible placeholder stands in.
   */
  scannerIps: readonly string[];
}

const stepText = (s: StepFacts): string => `${s.id}: ${s.summary}${s.reason ? ` [${s.reason}]` : ''}`;
const isBanLike = (s: StepFacts): boolean => /ban|fail2ban|sshguard|reset|closed|refused-after|throttl|kex-closed/i.test(`${s.reason ?? ''} ${s.summary}`);

/** Advice from a credential check alone: fixes first (in the order the scan meets them), then tips. */
export function credentialAdvice(auth: AuthResult, ctx: CredentialAdviceContext = { scannerIps: [] }): Advice[] {
  return adviceFromEvidence(credentialEvidence(auth), ctx);
}

export function adviceFromEvidence(ev: CredentialEvidence, ctx: CredentialAdviceContext): Advice[] {
  const out: Advice[] = [];
  const push = (a: Advice): void => {
    if (!out.some((x) => x.id === a.id)) out.push(a); // one item per id: the first (most specific) wins
  };
  const user = ev.user;

  if (ev.hostKeyChanged) {
    const hk = ev.hostKey;
    push({
      id: 'host-key-changed',
      severity: 'fix',
      title: `The SSH host key of ${ev.host} changed`,
      why:
        `The host presents ${hk ? `${hk.algorithm} ${hk.fingerprint}` : 'a different key'}` +
        (hk?.knownFingerprint ? `, but ${hk.knownFingerprint} was recorded before` : '') +
        '. Either the host was reinstalled/re-keyed, or something is intercepting the connection. Scanners refuse (or warn) on a changed key.',
      actions: [
        { label: 'verify on the host (console)', kind: 'command', text: 'for f in /etc/ssh/ssh_host_*_key.pub; do ssh-keygen -lf "$f"; done' },
        { label: 'then forget the old key', kind: 'command', text: forgetHostKeyCommand(ev.host, ev.port) },
        { label: 'scanner', kind: 'text', text: 'Only after the fingerprint matches what the host shows on its console: update the key the scanner trusts (and ScanReady\'s: "Forget" in the app, or run again).' },
      ],
    });
  }

  if (ev.hostKeyUnknown) {
    push({
      id: 'fix-login',
      severity: 'fix',
      title: 'Verify and accept the host key',
      why: `${stepText(ev.hostKeyUnknown)}. The check stops before login until the key is trusted.`,
      actions: [
        { label: 'verify on the host (console)', kind: 'command', text: 'for f in /etc/ssh/ssh_host_*_key.pub; do ssh-keygen -lf "$f"; done' },
        { label: 'then', kind: 'text', text: 'If a fingerprint matches, run again and accept it (--accept-new-host-key, or the prompt in the app).' },
      ],
    });
  }

  if (ev.noSsh) {
    const s = ev.noSsh;
    if (s.connected && isBanLike(s)) limitsAndBan(ev, ctx, push, s, true, false);
    else {
      push({
        id: 'fix-login',
        severity: 'fix',
        title: `No SSH service the scanner can use on ${ev.host}:${ev.port}`,
        why: `${stepText(s)}.${s.explanation ? ` ${s.explanation}` : ''} The authenticated scan cannot start without it.`,
        actions: [
          { label: 'on the target', kind: 'command', text: `ss -tlnp | grep -w ${ev.port}` },
          { label: 'check', kind: 'text', text: `Is sshd running and listening on ${ev.port}, and is that port in the auth record? Is TCP ${ev.port} allowed from the scanner?` },
        ],
      });
    }
  }

  if (ev.loginFailed) {
    const s = ev.loginFailed;
    if (isBanLike(s)) limitsAndBan(ev, ctx, push, s, true, false);
    else {
      const cmds = loginCheckCommands(user);
      push({
        id: 'fix-login',
        severity: 'fix',
        title: `The scan account "${user}" cannot log in`,
        why: `${stepText(s)}.${s.explanation ? ` ${s.explanation}` : ''}`,
        actions: [
          { label: 'account state', kind: 'command', text: cmds.account },
          { label: 'sshd log', kind: 'command', text: cmds.log },
          {
            label: 'check',
            kind: 'text',
            text: 'Password or key in the auth record, account locked/expired, AllowUsers/AllowGroups/DenyUsers in sshd_config, PasswordAuthentication/PubkeyAuthentication allowed, key type accepted (some FIPS setups need PKCS#8 keys).',
          },
        ],
      });
    }
  }

  if (ev.elevation) {
    const s = ev.elevation;
    const grant = (): void => pushGrant(ev, push, `${stepText(s)}. Root delegation (${ev.delegation}) did not give uid 0, so the scan would run with insufficient privileges (Passed*) and many checks would give false negatives.`);
    const delegationPassword = (why: string): void =>
      push({
        id: 'delegation-password',
        severity: 'fix',
        title: 'Give the scanner the password for root delegation',
        why,
        actions: [
          { label: 'scanner', kind: 'text', text: `In the auth record, set the password used for ${ev.delegation} (Qualys: "Root Delegation" password; it is usually the login password of "${user}").` },
          { label: 'ScanReady', kind: 'text', text: 'Re-run with the delegation password (--delegation-password-env or the app\'s field).' },
        ],
      });
    switch (s.reason) {
      case 'password-required':
        grant();
        delegationPassword(`${stepText(s)}. Either sudo is set to NOPASSWD for the scan account (above), or the scanner must answer the prompt.`);
        break;
      case 'wrong-password':
        delegationPassword(`${stepText(s)}: sudo rejected the password ("Sorry, try again.").`);
        break;
      case 'not-in-sudoers':
        grant();
        break;
      case 'requiretty':
        if (s.visiblepw) {
          // Not "Defaults requiretty": sudo refuses to read a password that would be echoed (!visiblepw, its default).
          push({
            id: 'disable-requiretty',
            severity: 'fix',
            title: 'Let sudo read the delegation password (Defaults !visiblepw)',
            why: `${stepText(s)}: without a terminal sudo will not read the password (it would be echoed), and the delegation command neither uses "sudo -S" nor runs on a PTY.`,
            actions: [{ label: 'scanner', kind: 'text', text: 'Use a delegation command that reads the password from stdin (sudo -S) or runs on a PTY; do not turn on "visiblepw".' }],
          });
          grant(); // or avoid the prompt altogether
          break;
        }
        pushNoRequiretty(ev, push, s);
        if (s.ptyResult === 'password-required' || s.ptyResult === 'not-in-sudoers' || s.ptyResult === 'not-root') grant();
        else if (s.ptyResult === 'wrong-password') delegationPassword('On a terminal, sudo then rejected the password.');
        else if (s.ptyResult === 'command-not-allowed') pushUnrestricted(ev, push, 'On a terminal, sudo then refused the delegation command.');
        break;
      case 'command-not-allowed':
        pushUnrestricted(ev, push, `${stepText(s)}: sudo allows "${user}" only some commands, and the delegation command is not one of them.`);
        break;
      default:
        grant();
        break;
    }
  }

  const rules = ev.sudoRules;
  if (rules?.reason === 'restricted' && !out.some((a) => a.id === 'unrestricted-sudo')) {
    pushUnrestricted(ev, push, `${stepText(rules)}${rules.allowedAsRoot.length > 0 ? ` (sudo -l: ${list(rules.allowedAsRoot, 3)})` : ''}.`);
  } else if ((rules?.reason === 'no-sudo-rules' || rules?.reason === 'no-sudo') && !out.some((a) => a.id === 'grant-nopasswd')) {
    const noSudo = rules.reason === 'no-sudo';
    pushGrant(ev, push, `${stepText(rules)}. The delegation method (${ev.delegation}) needs sudo for the scan to run as root.`, {
      title: noSudo ? 'Install sudo, or switch the delegation method' : `Give "${user}" a sudo rule`,
      extra: [{ label: 'or', kind: 'text', text: 'Use "su" delegation with the root password in the auth record, or pbrun/dzdo/doas where that is the site standard.' }],
    });
  }

  if (ev.tmpFailed) {
    push({
      id: 'tmp-exec',
      severity: 'fix',
      title: 'Make /tmp usable for the scan\'s scripts',
      why: `${stepText(ev.tmpFailed)}. Scanners write small scripts to /tmp, run them and remove them; with /tmp not writable or mounted noexec those checks fail.`,
      actions: [
        { label: 'see the mount options', kind: 'command', text: 'findmnt -no TARGET,OPTIONS /tmp' },
        { label: 'allow exec now', kind: 'command', text: 'mount -o remount,exec /tmp' },
        { label: 'keep it', kind: 'text', text: 'Remove "noexec" from the /tmp line in /etc/fstab (or the tmp.mount unit). If policy requires noexec, ask the scanner vendor whether its scripts can use another directory.' },
      ],
    });
  }

  if (ev.sessionsFailed) {
    const s = ev.sessionsFailed;
    const banned = s.reason === 'banned' || s.reason === 'auth-throttled';
    limitsAndBan(ev, ctx, push, s, banned || (s.reason === null && isBanLike(s)), banned);
  }

  if (ev.status === 'passed' || ev.status === 'passed-insufficient') {
    const cmds = auditCommands(user, ev.loginUid);
    push({
      id: 'audit-scan-account',
      severity: 'tip',
      title: `Audit what "${user}" runs with auditd`,
      why:
        (ev.auditdRunning === false ? 'auditd is not running on the host: nothing audits what the scan account does. ' : '') +
        (ev.history ? `${ev.history}. ` : '') +
        'Shell history is a convenience, not an audit log: it is per shell, can be disabled or edited, and fills root\'s history with scanner commands. ' +
        'auditd records every command the scan account runs, by its login UID, even after it becomes root.',
      actions: [
        { label: 'load now', kind: 'command', text: cmds.now },
        { label: 'keep it', kind: 'command', text: cmds.keep },
        { label: 'read it', kind: 'command', text: `ausearch -k ${AUDIT_KEY} -i` },
      ],
    });
  }

  // Fixes first, tips after; the order within each is the order the scan meets the problems.
  return [...out.filter((a) => a.severity === 'fix'), ...out.filter((a) => a.severity === 'tip')];
}

type Push = (a: Advice) => void;

/** A sudoers action, or a text step when the name cannot be written into sudoers safely (and the uid is unknown). */
function sudoersAction(label: string, file: string, line: string | null, user: string): AdviceAction {
  if (line === null) {
    return { label, kind: 'text', text: `sudoers cannot name "${user}" safely: with visudo -f ${file}, add the rule for that account by its UID (#UID ...).` };
  }
  return { label, kind: 'command', text: installSudoersCommand(file, [line]) };
}

function pushGrant(ev: CredentialEvidence, push: Push, why: string, opts: { title?: string; extra?: AdviceAction[] } = {}): void {
  push({
    id: 'grant-nopasswd',
    severity: 'fix',
    title: opts.title ?? `Let "${ev.user}" become root without a password`,
    why,
    actions: [
      sudoersAction('sudoers (as root)', SUDOERS_FILE, nopasswdLine(ev.user, ev.loginUid), ev.user),
      {
        label: 'note',
        kind: 'text',
        text: `The file is checked with visudo before it takes effect: a sudoers syntax error would lock everyone out of sudo. Later lines win: keep ${SUDOERS_FILE} after group rules such as %wheel.`,
      },
      ...(opts.extra ?? []),
    ],
  });
}

function pushNoRequiretty(ev: CredentialEvidence, push: Push, s: StepFacts): void {
  push({
    id: 'disable-requiretty',
    severity: 'fix',
    title: 'Drop "requiretty" for the scan account',
    why: `${stepText(s)}: sudoers has "Defaults requiretty", and scanners run commands without a terminal.`,
    actions: [
      sudoersAction('sudoers (as root)', SUDOERS_TTY_FILE, noRequirettyLine(ev.user, ev.loginUid), ev.user),
      { label: 'note', kind: 'text', text: 'If sudo also complains about "visiblepw", the password would be echoed without a tty: prefer NOPASSWD for the scan account.' },
    ],
  });
}

function pushUnrestricted(ev: CredentialEvidence, push: Push, why: string): void {
  push({
    id: 'unrestricted-sudo',
    severity: 'fix',
    title: `Give "${ev.user}" an unrestricted sudo rule`,
    why:
      `${why} A rule that lists commands breaks silently: every new vulnerability check may use a command that is not on the list, ` +
      'and a check that cannot run reports "not vulnerable" — a false negative, not an error.',
    actions: [
      sudoersAction('sudoers (as root)', SUDOERS_FILE, nopasswdLine(ev.user, ev.loginUid), ev.user),
      { label: 'see the current rules', kind: 'command', text: sudoListCommand(ev.user) },
      { label: 'if policy forbids it', kind: 'text', text: 'Audit the account instead of restricting it (see "Audit what the scan account runs"), and accept that restricted scans miss findings.' },
    ],
  });
}

function limitsAndBan(ev: CredentialEvidence, ctx: CredentialAdviceContext, push: Push, s: StepFacts & { requested?: number | null }, banLike: boolean, banFirst: boolean): void {
  const shown = ctx.scannerIps.length > 0 ? ctx.scannerIps.join(' ') : SCANNER_PLACEHOLDER;
  const limits = (): void =>
    push({
      id: 'raise-ssh-limits',
      severity: 'fix',
      title: 'Raise sshd\'s session limits for the scan',
      why:
        `${stepText(s)}. Scans open many SSH sessions at once; sshd's MaxSessions (default 10) ` +
        'and MaxStartups (default 10:30:100) refuse the extra ones ("ssh_exchange_identification: Connection closed").',
      actions: [
        { label: 'sshd drop-in (as root)', kind: 'command', text: sshdLimitsCommand(s.requested ?? null) },
        {
          label: 'note',
          kind: 'text',
          text: 'sshd keeps the first value it reads, and sshd_config includes /etc/ssh/sshd_config.d/*.conf at its top on current Debian, Ubuntu and RHEL. Without that Include line, put the two settings near the top of /etc/ssh/sshd_config, before any Match block. Check with: sshd -T | grep -i -E "^(maxsessions|maxstartups)".',
        },
      ],
    });
  if (!banFirst) limits();
  if (banLike) {
    const f2b = fail2banCommands(ctx.scannerIps);
    push({
      id: 'whitelist-fail2ban',
      severity: 'fix',
      title: 'Whitelist the scanner in fail2ban / sshguard',
      why: `${s.id}: ${s.summary}. Connections that succeed at first and are then refused or reset are the signature of a ban after many logins.`,
      actions: [
        { label: 'fail2ban drop-in (as root)', kind: 'command', text: f2b.whitelist },
        { label: 'lift the current ban', kind: 'command', text: f2b.unban },
        {
          label: 'note',
          kind: 'text',
          text:
            (ctx.scannerIps.length === 0 ? `Replace ${SCANNER_PLACEHOLDER} with the scanner's addresses (Qualys: Help > About lists the external scanners; an appliance: its LAN address). ` : '') +
            'The drop-in is read after jail.local and replaces its ignoreip: if jail.local already lists addresses, add the scanner there instead.',
        },
        { label: 'sshguard', kind: 'text', text: `Add ${shown} to sshguard's whitelist (WHITELIST_FILE in sshguard.conf) and restart it.` },
      ],
    });
  }
  if (banFirst) limits();
}
