/**
 * Root delegation, detected the way Ansible's `become` does: our own random prompt
 * (`sudo -S -p`), a random success marker printed through the elevated shell
 * (`echo MARKER; id -u`), and the well-known failure texts classified.
 */
import type { DelegationMethod, ElevateFailure } from '../../shared/auth.js';
import type { SshConnection } from './client.js';
import { findMarkerLine, randomToken } from './markers.js';
import { shQuote } from './quote.js';
import { stripTerminalControls } from '../../shared/inertText.js';
import { clip, scrub } from './text.js';

export interface BecomeConfig {
  method: DelegationMethod;
  /** Password for the delegation prompt (sudo: the user's; su: root's). */
  password?: string;
  /** `custom`: command template with `{cmd}`. */
  template?: string;
  /** Run on a PTY (sudo with requiretty, su, doas). */
  pty: boolean;
  /**
   * sudo-su only: run the literal `sudo su -` and type the script into the root shell's stdin,
   * as the scanner does (for rules that allow exactly `su -`). Never on a PTY.
   */
  interactive?: boolean;
}

export interface BecomeOutcome {
  ok: boolean;
  reason?: ElevateFailure;
  /** UID printed after the marker, when it was reached. */
  uid: number | null;
  markerSeen: boolean;
  promptSeen: boolean;
  passwordSent: boolean;
  /** Output after the uid line (the payload script's output), cleaned. */
  output: string;
  /** Output before the marker: what sudo/su said (secrets removed), clipped. */
  evidence: string;
  /** The command line sent (contains no secret). */
  command: string;
  exitCode: number | null;
  timedOut: boolean;
  truncated: boolean;
  pty: boolean;
  /** sudo refused to read the password without a terminal (Defaults !visiblepw); reason is `requiretty`. */
  visiblepw: boolean;
  ms: number;
}

/** sudo-family and su-family password prompts in a few languages, at the end of the output. */
const GENERIC_PROMPT = /(password|passphrase|passwort|mot de passe|contraseña|senha|wachtwoord|lösenord|パスワード|密码|암호)[^\n]{0,80}[:：]\s*$/i;

const TTY_REQUIRED = /must have a tty|sorry, you must have a tty|no tty present/i;

/**
 * sudo refusing to read a password without a terminal (`Defaults !visiblepw`, sudo's default):
 * the password would be echoed, so sudo neither reads stdin (no -S) nor prompts. sudo >= 1.8.?
 * says "a terminal is required to read the password", older ones "no tty present and no askpass
 * program specified". It is classified as `requiretty` (a PTY fixes it) with `visiblepw` set.
 */
const VISIBLEPW_REFUSAL = /a terminal is required to read the password|no tty present and no askpass program/i;

/** True when sudo refused to read a password without a terminal (Defaults !visiblepw). */
export function isVisiblepwRefusal(text: string): boolean {
  return VISIBLEPW_REFUSAL.test(text);
}

/** Methods that always need a terminal for their password prompt. */
export function methodNeedsPty(method: DelegationMethod): boolean {
  return method === 'su' || method === 'doas';
}

/** sudo-like methods whose rules `sudo -l` can list, and that `requiretty` affects. */
export function isSudoFamily(method: DelegationMethod): boolean {
  return method === 'sudo' || method === 'sudo-su' || method === 'dzdo';
}

export interface BuiltCommand {
  command: string;
  /** Our own prompt (sudo/dzdo), matched exactly; otherwise generic prompt detection. */
  prompt: string | null;
}

/**
 * The command line for one delegation method. `inner` is a POSIX sh script; it is always quoted.
 * Without a password sudo runs with `-n`, so it says "a password is required" instead of asking.
 */
export function buildDelegationCommand(cfg: BecomeConfig, inner: string, token: string): BuiltCommand {
  const prompt = `[scanready-become-${token}] password:`;
  const hasPw = cfg.password !== undefined && cfg.password !== '';
  // On a PTY sudo reads from the terminal with echo off; without one it reads stdin (-S).
  const sudoFlags = hasPw ? `${cfg.pty ? '' : '-S '}-p ${shQuote(prompt)}` : '-n';
  const sh = `/bin/sh -c ${shQuote(inner)}`;
  switch (cfg.method) {
    case 'sudo-su':
      return { command: `sudo ${sudoFlags} su - root -c ${shQuote(sh)}`, prompt: hasPw ? prompt : null };
    case 'sudo':
      return { command: `sudo ${sudoFlags} -u root ${sh}`, prompt: hasPw ? prompt : null };
    case 'dzdo':
      return { command: `dzdo ${sudoFlags} -u root ${sh}`, prompt: hasPw ? prompt : null };
    case 'su':
      return { command: `su - root -c ${shQuote(sh)}`, prompt: null };
    case 'pbrun':
      return { command: `pbrun -u root ${sh}`, prompt: null };
    case 'doas':
      return { command: `doas -u root ${sh}`, prompt: null };
    case 'none':
      return { command: sh, prompt: null };
    case 'custom': {
      const template = cfg.template ?? '';
      // The template is the operator's own delegation command (shell by design); only {cmd} is ours, quoted.
      return { command: template.split('{cmd}').join(shQuote(sh)), prompt: null };
    }
  }
}

/**
 * The literal `sudo su -`, preceded by `sudo -v` in the same shell so the password is checked
 * (and cached for that parent) before anything else is written: the script can never be read
 * as a password attempt. SRV:<rc> says how validation ended.
 */
export function buildInteractiveSudoSu(password: string | undefined, token: string): BuiltCommand {
  const prompt = `[scanready-become-${token}] password:`;
  const hasPw = password !== undefined && password !== '';
  const v = hasPw ? `sudo -S -p ${shQuote(prompt)} -v` : 'sudo -n -v';
  return { command: `/bin/sh -c ${shQuote(`${v} 2>&1; echo "SRV:$?"; sudo -n su - 2>&1`)}`, prompt: hasPw ? prompt : null };
}

/** Validates a custom delegation template: must contain {cmd}, one line, no NUL. */
export function templateProblem(template: string | undefined): string | null {
  if (template === undefined || template.trim() === '') return 'the custom delegation method needs a command template containing {cmd}';
  if (!template.includes('{cmd}')) return 'the custom delegation template must contain {cmd} (where the command to run as root goes)';
  if (/[\r\n\0]/.test(template)) return 'the custom delegation template must be a single line';
  return null;
}

/** Classifies what the delegation command printed before (or instead of) the marker. */
export function classifyFailure(text: string, exitCode: number | null): ElevateFailure | null {
  if (TTY_REQUIRED.test(text) || VISIBLEPW_REFUSAL.test(text)) return 'requiretty';
  if (/Sorry, try again|incorrect password attempt|Authentication failure|authentication failed|su: incorrect password|Permission denied \(password/i.test(text))
    return 'wrong-password';
  if (/a password is required|no password was provided|a terminal is required to read the password/i.test(text)) return 'password-required';
  if (/is not in the sudoers file|is not allowed to run sudo on|may not run sudo on/i.test(text)) return 'not-in-sudoers';
  if (/is not allowed to execute|not allowed to execute|Operation not permitted|doas: .*not permitted|Request rejected/i.test(text)) return 'command-not-allowed';
  if (exitCode === 127 || /command not found|: not found|No such file or directory/i.test(text)) return 'unsupported-method';
  return null;
}

export interface BecomeRunOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  maxBytes?: number;
}

/**
 * Runs `script` as root through the delegation method. The outcome says whether the marker
 * appeared, the uid after it, and why it failed otherwise. Never answers a prompt twice.
 */
export async function become(conn: SshConnection, cfg: BecomeConfig, script: string, o: BecomeRunOptions): Promise<BecomeOutcome> {
  const token = randomToken();
  const marker = `SCANREADY-BECOME-OK-${token}`;
  const inner = `echo ${marker}; id -u; ${script}`;
  const interactive = cfg.interactive === true && cfg.method === 'sudo-su' && !cfg.pty;
  const built = interactive ? buildInteractiveSudoSu(cfg.password, token) : buildDelegationCommand(cfg, inner, token);
  let scriptWritten = false;
  const secrets = [cfg.password];
  let promptSeen = false;
  let passwordSent = false;
  let promptCount = 0;
  let failure: ElevateFailure | null = null;
  let lastAnsweredAt = 0;

  const res = await conn.exec(built.command, {
    timeoutMs: o.timeoutMs,
    pty: cfg.pty,
    signal: o.signal,
    maxBytes: o.maxBytes,
    interactive: true,
    onOutput: (ctl) => {
      const text = ctl.text;
      const markerAt = findMarkerLine(text, marker);
      if (markerAt >= 0) return; // elevated: let the payload finish
      const pre = text;
      // Our own prompt (sudo/dzdo): count occurrences; generic prompt: only new text since the last answer.
      let prompted = false;
      if (built.prompt) {
        const n = pre.split(built.prompt).length - 1;
        if (n > promptCount) {
          promptCount = n;
          prompted = true;
        }
      } else if (cfg.method !== 'none' && GENERIC_PROMPT.test(pre.slice(lastAnsweredAt))) {
        prompted = true;
        promptCount++;
      }
      if (interactive && !scriptWritten) {
        const v = /SRV:(\d+)/.exec(pre);
        if (v?.[1] === '0') {
          // Validated: what follows goes to root's login shell (any shell: run our sh script through /bin/sh).
          scriptWritten = true;
          ctl.write(`/bin/sh -c ${shQuote(inner)}\nexit\n`);
          return;
        }
      }
      const classified = classifyFailure(pre, null);
      if (classified && classified !== 'unsupported-method') {
        failure = classified;
        ctl.finish();
        return;
      }
      if (prompted) {
        promptSeen = true;
        if (passwordSent || promptCount > 1) {
          failure = 'wrong-password'; // asked again after our answer
          ctl.finish();
          return;
        }
        if (cfg.password === undefined || cfg.password === '') {
          failure = 'password-required';
          ctl.finish();
          return;
        }
        passwordSent = true;
        lastAnsweredAt = pre.length;
        ctl.write(`${cfg.password}\n`);
      }
    },
  });

  const text = decodeAll(res.stdout, res.stderr, cfg.pty);
  const markerAt = findMarkerLine(text, marker);
  let uid: number | null = null;
  let output = '';
  if (markerAt >= 0) {
    const after = text.slice(markerAt + marker.length).replace(/^\n/, '');
    const nl = after.indexOf('\n');
    const uidLine = (nl >= 0 ? after.slice(0, nl) : after).trim();
    if (/^\d{1,10}$/.test(uidLine)) uid = Number(uidLine);
    output = nl >= 0 ? after.slice(nl + 1) : '';
  }
  const before = markerAt >= 0 ? text.slice(0, markerAt) : text;
  const evidence = clip(
    scrub(built.prompt ? before.split(built.prompt).join('\n') : before, secrets)
      .replace(/SRV:\d+\n?/g, '')
      .replace(/\n{2,}/g, '\n')
      .trim(),
    2000,
  );
  if (failure === null && markerAt < 0) {
    failure = classifyFailure(before, res.code) ?? (res.timedOut ? 'timeout' : null);
    if (failure === null) failure = 'not-root';
  }
  if (failure === null && uid !== 0) failure = 'not-root';
  return {
    ok: failure === null,
    ...(failure !== null ? { reason: failure } : {}),
    uid,
    markerSeen: markerAt >= 0,
    promptSeen,
    passwordSent,
    output: scrub(output, secrets),
    evidence,
    command: built.command,
    exitCode: res.code,
    timedOut: res.timedOut,
    truncated: res.truncated,
    pty: cfg.pty,
    visiblepw: failure === 'requiretty' && VISIBLEPW_REFUSAL.test(before),
    ms: res.ms,
  };
}

function decodeAll(stdout: Buffer, stderr: Buffer, pty: boolean): string {
  // On a PTY stderr is merged into stdout by the server.
  const dec = (b: Buffer): string => new TextDecoder('utf-8', { fatal: false }).decode(b);
  const combined = pty ? dec(stdout) : `${dec(stderr)}\n${dec(stdout)}`;
  return stripTerminalControls(combined);
}

/** sudo's `!visiblepw` refusal, explained (reason `requiretty` with `visiblepw: true`). */
export const VISIBLEPW_EXPLANATION =
  'sudo would not read the password without a terminal: with Defaults !visiblepw (sudo\'s default) it refuses to read a password that could be echoed, so a delegation command that neither uses sudo -S (password on stdin) nor runs on a PTY fails even with the right password ("a terminal is required to read the password" / "no tty present and no askpass program specified"). Give the scanner a PTY or use sudo -S in the delegation command, or grant NOPASSWD; do not set visiblepw (it lets passwords be echoed).';

/** doas-specific wording where the generic (sudo) text would mislead. */
const DOAS_EXPLANATIONS: Partial<Record<ElevateFailure, string>> = {
  'command-not-allowed':
    'doas said "Operation not permitted": no rule in /etc/doas.conf permits this account to run the command as root (doas gives the same answer when the account has no rule at all and when its rule names other commands). The scanner stays unprivileged and checks that need root give false negatives. Add "permit nopass <scan-account> as root" to /etc/doas.conf (check it with doas -C /etc/doas.conf).',
  'wrong-password': 'doas rejected the password ("doas: Authentication failed"). ScanReady stopped after one attempt so the account is not locked.',
  'password-required':
    'doas asked for the account\'s password on its terminal and none was available. Give the record a delegation password, or make the rule "permit nopass <scan-account> as root" in /etc/doas.conf.',
  'unsupported-method': 'doas is not installed on the target (OpenDoas: the doas/opendoas package), or is not usable there.',
};

/** The explanation for a delegation failure, worded for the method that failed. */
export function explainElevateFailure(method: DelegationMethod, reason: ElevateFailure, visiblepw = false): string {
  if (reason === 'requiretty' && visiblepw) return VISIBLEPW_EXPLANATION;
  if (method === 'doas') return DOAS_EXPLANATIONS[reason] ?? ELEVATE_EXPLANATIONS[reason];
  return ELEVATE_EXPLANATIONS[reason];
}

/** Plain words for each failure reason: what happened and what it means for the scan. */
export const ELEVATE_EXPLANATIONS: Record<ElevateFailure, string> = {
  'password-required':
    'The delegation command asked for a password and none was available (e.g. key login, no delegation password). The scanner would stay unprivileged: many checks give false negatives. Grant NOPASSWD to the scan account or give the record a delegation password.',
  'wrong-password': 'The delegation command rejected the password ("Sorry, try again." / authentication failure). ScanReady stopped after one attempt so the account is not locked.',
  'not-in-sudoers': 'The account is not in the sudoers file (or may not run sudo on this host): root delegation cannot work. The scan runs with the account\'s own privileges and checks needing root give false negatives.',
  requiretty:
    'sudo refuses to run without a terminal (Defaults requiretty). A scanner that does not allocate a PTY fails delegation. Remove requiretty for the scan account (Defaults:<user> !requiretty).',
  'command-not-allowed':
    'sudo accepted the account but its rules do not allow the delegation command (granular sudo rules). The scanner stays unprivileged and new checks that use other commands will silently give false negatives.',
  'not-root': 'The delegation command ran but the effective UID afterwards is not 0: the scan would run with insufficient privileges (the scanner\'s "Passed*" status).',
  timeout: 'The delegation command did not answer in time (a prompt nobody answers, a hung PAM module, a slow directory service). The scanner would time out the same way.',
  'unsupported-method': 'The delegation command is not installed on the target (e.g. pbrun, dzdo or doas missing) or is not usable there.',
};
