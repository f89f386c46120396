/**
 * The commands an operator pastes as root on the target host to fix a credential problem. Every
 * value in them goes through the one quoter (shared/shell.ts); sudoers text goes through
 * `sudoersUser`, which escapes for sudoers' own grammar. Files are written with `printf '%s\n'`
 * (never `echo`, which may interpret backslashes) and checked before they take effect.
 */
import { unixUserProblem } from '../../shared/unixUser.js';
import { shOperand, shQuote, shWriteLines } from '../../shared/shell.js';

/**
 * One name for everything ScanReady asks an operator to add on a host — the sudoers drop-in, the
 * auditd key and rules file, the sshd and fail2ban drop-ins — so `grep -r scanready-scan /etc`
 * finds (and removes) all of it. It replaces the two names the old engines disagreed on
 * (`scan-account` / `scanready-scan-account` vs `scanready-scan`); it carries the tool's name as the
 * firewall rules' tag does (`scanready-scanner`).
 */
export const HOST_TAG = 'scanready-scan';

/** No `.` or `~` in the name: sudo's `#includedir` skips such files, so the `.new` copy is inert until checked. */
export const SUDOERS_FILE = `/etc/sudoers.d/${HOST_TAG}`;
/** requiretty gets a file of its own, so granting NOPASSWD (SUDOERS_FILE) never overwrites it, nor the reverse. */
export const SUDOERS_TTY_FILE = `/etc/sudoers.d/${HOST_TAG}-tty`;
export const AUDIT_KEY = HOST_TAG;
export const AUDIT_RULES_FILE = `/etc/audit/rules.d/${HOST_TAG}.rules`;
/** Debian/Ubuntu and RHEL 9 sshd_config start with `Include /etc/ssh/sshd_config.d/*.conf`; sshd keeps the first value it reads. */
export const SSHD_DROPIN = `/etc/ssh/sshd_config.d/${HOST_TAG}.conf`;
/** fail2ban reads jail.d/*.local last, after jail.local. */
export const FAIL2BAN_DROPIN = `/etc/fail2ban/jail.d/${HOST_TAG}.local`;

/**
 * sshd limits for a scan. MaxSessions 30: the old engines said 20 and 30; 30 is three times sshd's
 * default of 10 — room for a scanner's parallel sessions (ScanReady's check alone opens 10 by
 * default) with headroom — and is the same number as MaxStartups' start, so one number governs both.
 * MaxStartups 30:30:100: 30 unauthenticated connections before sshd starts dropping (default
 * 10:30:100; the scanner opens many separate connections at once), rising to certain drop at 100.
 * When the check itself asked for more sessions than 30, that number is advised instead.
 */
export const SSH_LIMITS = { maxSessions: 30, maxStartups: '30:30:100' } as const;

/** The placeholder where the scanner's address belongs and none was given (visible, and inert when pasted: it is always quoted). */
export const SCANNER_PLACEHOLDER = '<scanner address>';

/** The sudoers line that lets the scan account become root without a password. */
export const NOPASSWD_RULE = 'ALL=(ALL) NOPASSWD: ALL';

/**
 * A user name as sudoers writes it in a User_List (`NAME ALL=...`, `Defaults:NAME ...`), or null when
 * sudoers cannot name that account by name (then use `#uid`):
 * - every ASCII character other than letters, digits, `_`, `.` and `-` is backslash-escaped (checked
 *   with visudo and cvtsudoers: `\'`, `\$`, `\ `, `\%` all read back as the literal name);
 * - a leading `#` means a uid even when escaped, and an all-capitals word is `ALL` or an alias name.
 */
export function sudoersUser(name: string): string | null {
  if (unixUserProblem(name) !== null) return null;
  if (name.startsWith('#') || /^[A-Z][A-Z0-9_]*$/.test(name)) return null;
  return name.replace(/[^A-Za-z0-9_.\-\u0080-\u{10FFFF}]/gu, (c) => `\\${c}`);
}

/** The subject of a sudoers line: the escaped name, else `#uid`, else null (nothing safe to write). */
export function sudoersSubject(user: string, uid: number | null): string | null {
  return sudoersUser(user) ?? (uid !== null ? `#${uid}` : null);
}

/**
 * Installs sudoers lines as a drop-in: written to `FILE.new` (ignored by sudo), mode 0440, checked by
 * `visudo -cf`, and only then moved into place — a syntax error can never lock everyone out of sudo.
 * On any failure the `.new` file is removed.
 */
export function installSudoersCommand(file: string, lines: readonly string[]): string {
  const tmp = `${file}.new`;
  return [
    `${shWriteLines(tmp, lines)} &&`,
    `chmod 0440 ${shQuote(tmp)} &&`,
    `visudo -cf ${shQuote(tmp)} &&`,
    `mv ${shQuote(tmp)} ${shQuote(file)} ||`,
    `rm -f ${shQuote(tmp)}`,
  ].join('\n');
}

/** `NAME ALL=(ALL) NOPASSWD: ALL` for the scan account, or null when the name cannot be written in sudoers and the uid is unknown. */
export function nopasswdLine(user: string, uid: number | null): string | null {
  const subject = sudoersSubject(user, uid);
  return subject === null ? null : `${subject} ${NOPASSWD_RULE}`;
}

export function noRequirettyLine(user: string, uid: number | null): string | null {
  const subject = sudoersSubject(user, uid);
  return subject === null ? null : `Defaults:${subject} !requiretty`;
}

/** The two auditd rules (64- and 32-bit syscalls) recording every command the account runs, by login UID. */
export function auditRules(auid: string): string[] {
  return ['b64', 'b32'].map((arch) => `-a always,exit -F arch=${arch} -F auid=${auid} -S execve -k ${AUDIT_KEY}`);
}

/** Load the audit rules now, and keep them. With the UID unknown it is looked up on the host (quoted name). */
export function auditCommands(user: string, uid: number | null): { now: string; keep: string } {
  if (uid !== null) {
    const rules = auditRules(String(uid));
    return {
      now: rules.map((r) => `auditctl ${r}`).join('\n'),
      keep: `${shWriteLines(AUDIT_RULES_FILE, rules)} &&\naugenrules --load`,
    };
  }
  // `uid=$(id -u -- NAME)`: the name is single-quoted; "$uid" is the only expansion inside double quotes.
  const lookup = `uid=$(id -u ${shOperand(user)}) &&`;
  const rules = auditRules('$uid');
  return {
    now: [lookup, ...rules.map((r, i) => `auditctl ${r.replace('auid=$uid', '"auid=$uid"')}${i < rules.length - 1 ? ' &&' : ''}`)].join('\n'),
    keep: [lookup, `printf '%s\\n' ${rules.map((r) => `"${r}"`).join(' ')} > ${shQuote(AUDIT_RULES_FILE)} &&`, 'augenrules --load'].join('\n'),
  };
}

/** sshd limits as a drop-in, checked by `sshd -t` before the reload. */
export function sshdLimitsCommand(requestedSessions: number | null): string {
  const sessions = Math.max(SSH_LIMITS.maxSessions, requestedSessions ?? 0);
  return [
    `${shWriteLines(SSHD_DROPIN, [`MaxSessions ${sessions}`, `MaxStartups ${SSH_LIMITS.maxStartups}`])} &&`,
    'sshd -t &&',
    '(systemctl reload sshd || systemctl reload ssh)',
  ].join('\n');
}

/** fail2ban: whitelist the scanner (a jail.d drop-in), then reload and lift a current ban. */
export function fail2banCommands(scannerIps: readonly string[]): { whitelist: string; unban: string } {
  const ips = scannerIps.length > 0 ? scannerIps : [SCANNER_PLACEHOLDER];
  return {
    whitelist: `${shWriteLines(FAIL2BAN_DROPIN, ['[DEFAULT]', `ignoreip = 127.0.0.1/8 ::1 ${ips.join(' ')}`])} &&\nfail2ban-client reload`,
    unban: ips.map((ip) => `fail2ban-client set sshd unbanip ${shQuote(ip)}`).join('\n'),
  };
}

/** Account state and the sshd log lines that mention the account. */
export function loginCheckCommands(user: string): { account: string; log: string } {
  return {
    account: `passwd -S ${shOperand(user)}\nchage -l ${shOperand(user)}`,
    // -F: the name is a fixed string (`*`, `.` are not patterns); -e: it may start with `-`.
    log: `journalctl -u ssh -u sshd --since -1h | grep -i -F -e ${shQuote(user)}`,
  };
}

/** What sudo allows the account (run as root). */
export function sudoListCommand(user: string): string {
  return `sudo -l -U ${shQuote(user)}`;
}

/** Forget a host's old key in OpenSSH's known_hosts. */
export function forgetHostKeyCommand(host: string, port: number): string {
  return `ssh-keygen -R ${shQuote(port === 22 ? host : `[${host}]:${port}`)}`;
}
