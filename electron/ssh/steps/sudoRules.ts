/**
 * `sudo -l` output → which commands the account may run as root, and whether that is ALL.
 * Granular rules are the seed's main point: new checks use new commands, so a restricted
 * list causes silent false negatives.
 *
 * Step `sudo-rules`: runs `sudo -l` (answering our own prompt once), parses it, and says whether
 * the rules grant ALL, list commands, or none.
 */
import type { RanStep, SudoRule, SudoRulesReason } from '../../../shared/auth.js';
import type { SshConnection } from '../client.js';
import { isSudoFamily } from '../elevate.js';
import { Markers, randomToken } from '../markers.js';
import { shQuote, shScript } from '../quote.js';
import { clip, decodeOutput, scrub } from '../text.js';
import type { StepContext, PostLoginStep } from './context.js';

export type { SudoRule };

export interface SudoRulesSummary {
  /** The account is not allowed to run sudo at all. */
  noSudo: boolean;
  rules: SudoRule[];
  /** Some rule grants ALL commands as root with no negation. */
  all: boolean;
  /** The rules list commands (or negations) instead of plain ALL. */
  restricted: boolean;
  /** Commands that may run as root (no ALL). */
  allowedAsRoot: string[];
  negations: string[];
  nopasswd: boolean;
  /** `Defaults` lines sudo printed (e.g. requiretty, !visiblepw). */
  defaults: string[];
  requiretty: boolean;
  /** An allowed command that is itself a root shell (`/usr/bin/su -`, `/bin/bash`): effectively ALL. */
  rootShell: string | null;
}

const TAG = /^(NOPASSWD|PASSWD|SETENV|NOSETENV|NOEXEC|EXEC|LOG_INPUT|NOLOG_INPUT|LOG_OUTPUT|NOLOG_OUTPUT|MAIL|NOMAIL|FOLLOW|NOFOLLOW|INTERCEPT|NOINTERCEPT):\s*/;

/** `su`, `su -`, `su - root`, `su root`, or a bare shell: whoever may run these is root. */
const ROOT_SHELL = /^(\S*\/)?(su(\s+(-|-l|--login))?(\s+root)?|bash|sh|dash|zsh|ksh|csh|tcsh)$/;

function runAsIncludesRoot(runAs: string): boolean {
  if (runAs.trim() === '') return true;
  const users = (runAs.split(':')[0] ?? '').split(',').map((s) => s.trim());
  return users.some((u) => u === 'ALL' || u === 'root' || u === '#0') || users.every((u) => u === '');
}

/** Splits a command list on commas that are not escaped (`\,`). */
function splitCommands(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      cur += c + (s[i + 1] ?? '');
      i++;
    } else if (c === ',') {
      out.push(cur.trim());
      cur = '';
    } else {
      cur += c;
    }
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out.filter((x) => x !== '');
}

function parseRuleLine(line: string): SudoRule | null {
  let rest = line.trim();
  let runAs = '';
  const m = /^\(([^)]*)\)\s*/.exec(rest);
  if (m) {
    runAs = (m[1] ?? '').trim();
    rest = rest.slice(m[0].length);
  }
  const tags: string[] = [];
  for (let i = 0; i < 20; i++) {
    const t = TAG.exec(rest);
    if (!t?.[1]) break;
    tags.push(t[1]);
    rest = rest.slice(t[0].length);
  }
  const commands = splitCommands(rest);
  if (commands.length === 0) return null;
  return { runAs, tags, commands };
}

/** The most lines of `sudo -l` output looked at. */
export const MAX_SUDO_LINES = 20_000;

export function parseSudoList(output: string): SudoRulesSummary {
  const lines = output.replace(/\r/g, '').split('\n');
  const summary: SudoRulesSummary = {
    noSudo: false,
    rules: [],
    all: false,
    restricted: false,
    allowedAsRoot: [],
    negations: [],
    nopasswd: false,
    defaults: [],
    requiretty: false,
    rootShell: null,
  };
  if (/is not allowed to run sudo|may not run sudo|is not in the sudoers file/i.test(output)) summary.noSudo = true;
  let mode: 'none' | 'defaults' | 'rules' | 'long' = 'none';
  let longRule: SudoRule | null = null;
  let longInCommands = false;
  const flushLong = (): void => {
    if (longRule && longRule.commands.length > 0) summary.rules.push(longRule);
    longRule = null;
    longInCommands = false;
  };
  for (const raw of lines.slice(0, MAX_SUDO_LINES)) {
    const line = raw.trimEnd();
    if (/^Matching Defaults entries/i.test(line)) {
      mode = 'defaults';
      continue;
    }
    if (/may run the following commands/i.test(line)) {
      mode = 'rules';
      continue;
    }
    if (/^Runas and Command-specific defaults/i.test(line)) {
      mode = 'none';
      continue;
    }
    if (line.trim() === '') continue;
    if (/^\s*Sudoers entry:/i.test(line)) {
      // `sudo -ll` long format
      flushLong();
      mode = 'long';
      longRule = { runAs: '', tags: [], commands: [] };
      continue;
    }
    if (mode === 'defaults' && /^\s/.test(line)) {
      for (const d of line.split(',').map((s) => s.trim()).filter(Boolean)) summary.defaults.push(d);
      continue;
    }
    if (mode === 'rules' && /^\s/.test(line)) {
      const r = parseRuleLine(line);
      if (r) summary.rules.push(r);
      continue;
    }
    if (mode === 'long' && longRule) {
      const kv = /^\s*(RunAsUsers|RunAsGroups|Options|Commands):\s*(.*)$/i.exec(line);
      if (kv) {
        const key = (kv[1] ?? '').toLowerCase();
        const val = (kv[2] ?? '').trim();
        longInCommands = key === 'commands';
        if (key === 'runasusers') longRule.runAs = val;
        if (key === 'options') longRule.tags.push(...val.split(',').map((s) => s.trim().replace(/^!authenticate$/, 'NOPASSWD')).filter(Boolean));
        if (longInCommands && val) longRule.commands.push(...splitCommands(val));
        continue;
      }
      if (longInCommands && /^\s/.test(line)) {
        const c = line.trim();
        const tagged = parseRuleLine(c);
        if (tagged) {
          longRule.tags.push(...tagged.tags);
          longRule.commands.push(...tagged.commands);
        }
      }
    }
  }
  flushLong();
  for (const r of summary.rules) {
    if (!runAsIncludesRoot(r.runAs)) continue;
    const neg = r.commands.filter((c) => c.startsWith('!'));
    const pos = r.commands.filter((c) => !c.startsWith('!'));
    summary.negations.push(...neg);
    if (pos.includes('ALL') && neg.length === 0) {
      summary.all = true;
      if (r.tags.includes('NOPASSWD')) summary.nopasswd = true;
    } else {
      summary.allowedAsRoot.push(...pos.filter((c) => c !== 'ALL'));
      if (pos.includes('ALL') && r.tags.includes('NOPASSWD')) summary.nopasswd = true;
    }
    if (r.tags.includes('NOPASSWD') && pos.length > 0 && !summary.nopasswd && pos.includes('ALL')) summary.nopasswd = true;
  }
  summary.requiretty = summary.defaults.some((d) => d === 'requiretty');
  summary.rootShell = summary.allowedAsRoot.find((c) => ROOT_SHELL.test(c)) ?? null;
  summary.restricted = !summary.noSudo && summary.rules.length > 0 && (!summary.all || summary.negations.length > 0);
  return summary;
}

export interface SudoListRun {
  /** `sudo -l` output with our markers removed (secrets removed). */
  text: string;
  /** The same, without our prompt, clipped: evidence for people. */
  evidence: string;
  /** sudo is not installed (exit 127). */
  missing: boolean;
  failure: Extract<SudoRulesReason, 'requiretty' | 'password-required' | 'wrong-password' | 'timeout'> | null;
  ms: number;
}

/** What `sudo -l` printed, the marker protocol around it, and how it ended. Pure: tested on samples. */
export function parseSudoListRun(raw: string, m: Markers, prompt: string, timedOut: boolean, answeredFailure: SudoListRun['failure']): Omit<SudoListRun, 'ms'> {
  const rcText = m.parse(raw).get('rc')?.trim() ?? '';
  const missing = rcText === '127';
  const text = raw
    .split('\n')
    .filter((l) => !l.startsWith(m.prefix))
    .join('\n');
  let failure = answeredFailure;
  if (failure === null) {
    if (/must have a tty/i.test(text)) failure = 'requiretty';
    else if (/a password is required/i.test(text)) failure = 'password-required';
    else if (timedOut) failure = 'timeout';
  }
  return { text, evidence: clip(text.split(prompt).join('').trim(), 3000), missing, failure };
}

async function sudoList(conn: SshConnection, password: string | undefined, pty: boolean, timeoutMs: number, signal: AbortSignal | undefined): Promise<SudoListRun> {
  const m = new Markers('sudo');
  const prompt = `[scanready-sudo-l-${randomToken()}] password:`;
  const hasPw = password !== undefined && password !== '';
  const cmd = hasPw ? `sudo ${pty ? '' : '-S '}-p ${shQuote(prompt)} -l` : 'sudo -n -l';
  let answered = 0;
  let failure: SudoListRun['failure'] = null;
  const r = await conn.exec(shScript(`${cmd} 2>&1; ${m.line('rc', '$?')}`), {
    timeoutMs,
    pty,
    signal,
    interactive: true,
    onOutput: (ctl) => {
      const n = ctl.text.split(prompt).length - 1;
      if (n > answered) {
        if (answered > 0 || !hasPw) {
          failure = answered > 0 ? 'wrong-password' : 'password-required';
          ctl.finish();
          return;
        }
        answered = n;
        ctl.write(`${password ?? ''}\n`);
      }
    },
  });
  const raw = scrub(decodeOutput(Buffer.concat([r.stdout, Buffer.from('\n'), r.stderr])), [password]);
  return { ...parseSudoListRun(raw, m, prompt, r.timedOut, failure), ms: r.ms };
}

/** The step result from a parsed `sudo -l`. */
export function sudoRulesResult(r: SudoListRun, parsed: SudoRulesSummary | null, user: string, sudoish: boolean): RanStep<'sudo-rules'> {
  if (r.missing || parsed === null) {
    return { id: 'sudo-rules', ok: sudoish ? false : null, ms: r.ms, reason: 'no-sudo', summary: 'sudo is not installed on the target', data: { output: r.evidence } };
  }
  if (parsed.noSudo) {
    return {
      id: 'sudo-rules',
      ok: sudoish ? false : null,
      ms: r.ms,
      reason: 'no-sudo-rules',
      summary: `sudo -l: ${user} may not run sudo on this host`,
      data: { restricted: false, noSudo: true, output: r.evidence },
    };
  }
  if (parsed.rules.length === 0) {
    return {
      id: 'sudo-rules',
      ok: null,
      ms: r.ms,
      reason: r.failure ?? 'unparsed',
      summary: r.failure === 'password-required' ? 'sudo -l needs a password and none was given' : 'sudo -l listed no rules that could be read',
      data: { output: r.evidence },
    };
  }
  const restricted = parsed.restricted;
  if (restricted && parsed.rootShell && parsed.negations.length === 0) {
    return {
      id: 'sudo-rules',
      ok: true,
      ms: r.ms,
      summary: `sudo rules list commands, but "${parsed.rootShell}" gives a full root shell: effectively unrestricted for the scanner`,
      data: {
        restricted: true,
        effectivelyAll: true,
        rootShell: parsed.rootShell,
        all: false,
        nopasswd: parsed.nopasswd,
        allowedAsRoot: parsed.allowedAsRoot.slice(0, 200),
        negations: [],
        rules: parsed.rules.slice(0, 100),
        defaults: parsed.defaults.slice(0, 100),
      },
    };
  }
  return {
    id: 'sudo-rules',
    ok: !restricted,
    ms: r.ms,
    ...(restricted ? { reason: 'restricted' } : {}),
    summary: restricted
      ? `restricted sudo rules: ${parsed.allowedAsRoot.length} command(s) as root${parsed.negations.length ? `, ${parsed.negations.length} negated` : ''} instead of ALL`
      : `sudo rules allow ALL commands as root${parsed.nopasswd ? ' without a password (NOPASSWD)' : ' (with a password)'}`,
    ...(restricted
      ? {
          explanation:
            'The sudo rules list commands instead of ALL. Scanners add checks all the time, and new checks run new commands (or old ones with new arguments); a command missing from the list fails silently and the check reports a false negative — nobody is told. Qualys advises against granular rules for the scan account: grant ALL (audit it with auditd instead).',
        }
      : {}),
    data: {
      restricted,
      all: parsed.all,
      nopasswd: parsed.nopasswd,
      allowedAsRoot: parsed.allowedAsRoot.slice(0, 200),
      negations: parsed.negations.slice(0, 200),
      rules: parsed.rules.slice(0, 100),
      defaults: parsed.defaults.slice(0, 100),
    },
  };
}

export const sudoRulesStep: PostLoginStep = {
  id: 'sudo-rules',
  async run(ctx: StepContext) {
    const { req, conn, signal } = ctx;
    const password = req.delegation === 'su' ? req.password : (req.delegationPassword ?? req.password);
    const needPty = ctx.state.rootCfg?.pty === true && isSudoFamily(req.delegation);
    let r = await sudoList(conn, password, needPty, req.timeoutMs, signal);
    const sudoish = isSudoFamily(req.delegation);
    if (r.missing) {
      ctx.emit(sudoRulesResult(r, null, req.user, sudoish));
      return;
    }
    if (r.failure === 'requiretty' && !needPty) r = await sudoList(conn, password, true, req.timeoutMs, signal);
    ctx.emit(sudoRulesResult(r, parseSudoList(r.text), req.user, sudoish));
  },
};
