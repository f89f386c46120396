/**
 * `sudo -l` output → which commands the account may run as root, and whether that is ALL.
 * Granular rules are the seed's main point: new checks use new commands, so a restricted
 * list causes silent false negatives.
 */

export interface SudoRule {
  /** Run-as spec, e.g. `ALL : ALL`, `root`; empty when omitted (root). */
  runAs: string;
  tags: string[];
  commands: string[];
}

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
  for (const raw of lines.slice(0, 20_000)) {
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
