/**
 * Hostile names through EVERY command the advice asks an operator to paste as root — run for real.
 *
 * Each generated command runs in a throwaway sandbox, in three shells (dash as /bin/sh, bash, and an
 * interactive bash reading the command from stdin, as a terminal paste is read, with history
 * expansion on):
 * - `unshare --mount` + an overlayfs over /etc per command: writes to /etc/sudoers.d, /etc/audit,
 *   /etc/ssh, /etc/fail2ban land in a per-command upper directory we inspect afterwards, and the real
 *   /etc is never touched;
 * - PATH starts with stubs for every tool that would change the machine or the network (auditctl,
 *   systemctl, sshd, mount, sudo, nft, ssh-keygen, ...): each records its argv, NUL-separated, to a
 *   log. chmod, mv, rm and visudo are real (visudo really checks the sudoers file the command wrote);
 *   so is `touch`, which every attack payload uses to create a marker file in the real /tmp.
 * Then: no marker file exists (nothing ran that was not meant to), the name reaches the tool as one
 * literal argv element (or, in a sudoers file, reads back as exactly that account through cvtsudoers'
 * parse), and nothing but the expected files was written.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuthResult, AuthStep } from '../../shared/auth.js';
import type { HostResult, ProbeResult } from '../../shared/discovery.js';
import { builtinProfile, type DiscoveryProfile } from '../../shared/profiles.js';
import { psQuote } from '../../shared/shell.js';
import { unixUserProblem } from '../../shared/unixUser.js';
import { authRequestSchema } from '../../shared/auth.js';
import { diagnoseRequestSchema } from '../../shared/requests.js';
import { buildAdvice, credentialAdvice, sudoersUser } from './index.js';
import { noRequirettyLine, nopasswdLine } from './hostCommands.js';

const RUN = `${process.pid}-${Date.now().toString(36)}`;
const MARK = `/tmp/srpwn-${RUN}`;
let markers = 0;
const marker = (): string => `${MARK}-${++markers}`;

/** Names no real account should have but a hostile auth record, targets file or typo can carry. */
const HOSTILE: string[] = [
  `scan' ; touch ${marker()} ; echo '`,
  `x$(touch ${marker()})`,
  `x\`touch ${marker()}\``,
  `a;touch ${marker()}`,
  `a && touch ${marker()} #`,
  `a | touch ${marker()}`,
  `"; touch ${marker()}; echo "`,
  `$(touch ${marker()})`,
  `' "$(touch ${marker()})" '`,
  `a b\tc`.replace('\t', '  '),
  'scan ünïcødé 名前',
  '-rf',
  '--help',
  '*',
  '~root',
  'a\\b\\',
  'x!!y',
  '!touch',
  '%wheel',
  '#0',
  'ALL',
  '+netgroup',
  `a'b"c`,
  'EOF',
  '{a,b}',
  '$HOME',
  'a\u00a0b',
  'a\u202eb',
];

const qualys = builtinProfile('qualys-default') as DiscoveryProfile;
const UID = 1234;

/** A hand-made step (fixture data; partial evidence on purpose, so typed loosely). */
function step(id: AuthStep['id'], ok: boolean | null, extra: { reason?: string; summary?: string; data?: Record<string, unknown> } = {}): AuthStep {
  return { id, ok, ms: 1, summary: `${id} ${ok === false ? 'failed' : 'ok'}`, ...extra } as AuthStep;
}
function authResult(user: string, host: string, steps: AuthStep[], status: AuthResult['status'], uid: number | null): AuthResult {
  const uidStep = step('uid', true, { data: { uid } });
  return { host, port: 2222, user, delegation: 'sudo-su', status, steps: [uidStep, ...steps], hostKey: null, listening: [], advice: [], startedAt: '2025-01-01T00:00:00.000Z', durationMs: 1 };
}

/** Every credential-advice path, for one name (as user, and as host where a host goes into a command). */
function credentialScenarios(name: string): AuthResult[] {
  const out: AuthResult[] = [];
  for (const uid of [UID, null]) {
    const a = (steps: AuthStep[], status: AuthResult['status'] = 'passed-insufficient', host = '192.0.2.7'): AuthResult => authResult(name, host, steps, status, uid);
    const el = (reason: string, data: Record<string, unknown> = {}): AuthResult => a([step('elevate', false, { reason, data })]);
    out.push(
      { ...a([step('host-key', false, { reason: 'host-key-changed' })], 'failed', name), hostKey: { algorithm: 'ssh-ed25519', fingerprint: 'SHA256:new', status: 'changed', knownFingerprint: 'SHA256:old' } },
      a([step('host-key', false, { reason: 'host-key-unknown' })], 'failed'),
      a([step('reach', false, { reason: 'connection-refused' })], 'not-attempted'),
      a([step('handshake', false, { reason: 'connection-reset', summary: 'reset by peer' })], 'not-attempted'),
      a([step('login', false, { reason: 'auth-failed' })], 'failed'),
      el('password-required'),
      el('wrong-password'),
      el('not-in-sudoers'),
      el('requiretty', { ptyResult: 'password-required' }),
      el('requiretty', { ptyResult: 'command-not-allowed' }),
      el('requiretty', { visiblepw: true }),
      el('command-not-allowed'),
      el('timeout'),
      a([step('sudo-rules', false, { reason: 'restricted', data: { allowedAsRoot: ['/usr/bin/id'] } })], 'passed'),
      a([step('sudo-rules', false, { reason: 'no-sudo-rules' })], 'passed-insufficient'),
      a([step('sudo-rules', false, { reason: 'no-sudo' })], 'passed-insufficient'),
      a([step('tmp-exec', false, { reason: 'noexec' })], 'passed'),
      a([step('sessions', false, { reason: 'banned', data: { requested: 10 } })], 'passed'),
      a([step('sessions', false, { reason: 'max-sessions', data: { requested: 50 } })], 'passed'),
      a([step('auditd', null, { data: { running: false } })], 'passed'),
    );
  }
  return out;
}

function probe(p: Partial<ProbeResult>): ProbeResult {
  return { protocol: 'tcp', kind: 'syn', port: 80, sourcePort: null, method: 'raw', result: 'no-response', responder: null, fromTarget: false, icmpType: null, icmpCode: null, ttl: null, rttMs: null, attempts: 1, countsAsAlive: false, ...p };
}
function host(address: string, verdict: HostResult['verdict'], probes: ProbeResult[], target = address): HostResult {
  return { target, address, family: 4, alive: verdict === 'alive', verdict, reason: verdict, aliveBy: '', privileged: true, profile: 'qualys-default', probes, warnings: [], startedAt: '2025-01-01T00:00:00.000Z', durationMs: 1 };
}

/** Every command of every advice item the name can reach: credential advice and the network side (name as target / resolved name). */
function commandsFor(name: string): string[] {
  const texts = new Set<string>();
  const add = (xs: { actions: { kind: string; label: string; text: string }[] }[]): void => {
    for (const a of xs) for (const act of a.actions) if (act.kind === 'command' && !/PowerShell|Windows/.test(act.label)) texts.add(act.text);
  };
  for (const r of credentialScenarios(name)) {
    add(credentialAdvice(r, { scannerIps: [] }));
    add(credentialAdvice(r, { scannerIps: ['203.0.113.9', '2001:db8::9'] }));
  }
  const silent = [probe({ port: 22 }), probe({ kind: 'echo', protocol: 'icmp', port: null })];
  const unsent = probe({ kind: 'ack', port: 2869, sourcePort: 80, result: 'needs-privilege', method: 'none' });
  const base = { path: null, openPorts: null, auth: null, profile: qualys, scannerIps: ['203.0.113.9'] };
  add(buildAdvice({ ...base, discovery: host('', 'not-alive', [], name), target: name, resolveError: 'cannot resolve' }));
  add(buildAdvice({ ...base, discovery: host('192.0.2.50', 'inconclusive', [...silent, unsent], name), target: name, resolvedFrom: name, openPorts: [{ protocol: 'tcp', port: 8443, result: 'syn-ack' }, { protocol: 'udp', port: 5000, result: 'udp-reply' }] }));
  add(buildAdvice({ ...base, discovery: host('192.0.2.50', 'not-alive', silent, name), target: name, resolvedFrom: name }));
  add(buildAdvice({ ...base, discovery: host('192.0.2.50', 'filtered-in-path', [probe({ result: 'icmp-unreachable', responder: '192.0.2.1', icmpType: 3, icmpCode: 1 })], name), target: name, resolvedFrom: name }));
  add(buildAdvice({ ...base, discovery: host('127.0.1.1', 'alive', [probe({ port: 22, result: 'syn-ack', responder: '127.0.1.1', fromTarget: true, countsAsAlive: true })], name), target: name, resolvedFrom: name }));
  add(buildAdvice({ ...base, discovery: host('192.0.2.50', 'alive', [probe({ kind: 'echo', protocol: 'icmp', port: null, result: 'echo-reply', responder: '192.0.2.50', fromTarget: true, countsAsAlive: true })], name), target: name, auth: authResult(name, '192.0.2.50', [step('uid', false, { reason: 'exec-failed' })], 'failed', null) }));
  return [...texts];
}

// --- the sandbox --------------------------------------------------------------------------------

const STUBS = [
  'auditctl', 'augenrules', 'ausearch', 'sshd', 'systemctl', 'fail2ban-client', 'passwd', 'chage', 'journalctl', 'grep', 'sudo',
  'scanready', 'getent', 'ssh-keygen', 'mount', 'findmnt', 'ss', 'traceroute', 'id', 'ip', 'nft', 'iptables-restore',
  'ip6tables-restore', 'firewall-cmd', 'ufw', 'tcpdump', 'less',
];
/** Files a command may write under /etc (paths relative to /etc). */
const ALLOWED_WRITES = new Set(['sudoers.d/scanready-scan', 'sudoers.d/scanready-scan-tty', 'audit/rules.d/scanready-scan.rules', 'ssh/sshd_config.d/scanready-scan.conf', 'fail2ban/jail.d/scanready-scan.local']);
/** dash is /bin/sh on Debian (POSIX parsing); an interactive bash reading stdin is a terminal paste (history expansion on). */
const SHELLS = ['dash', 'bash-i'] as const;
type ShellKind = (typeof SHELLS)[number];
const STUB_ID_UID = '4242';

function canSandbox(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (unshare --mount, overlayfs over /etc)';
  for (const tool of ['unshare', 'dash', 'bash', 'visudo', 'cvtsudoers']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `needs ${tool}`;
  }
  const probeRun = spawnSync('unshare', ['--mount', '--propagation', 'private', '--', 'true']);
  if (probeRun.status !== 0) return `unshare --mount failed: ${probeRun.stderr.toString().trim()}`;
  return null;
}
const skipReason = canSandbox();
if (skipReason) console.warn(`[skip] hostile-name sandbox tests: ${skipReason}`);

const work = mkdtempSync(path.join(tmpdir(), 'sr-hostile-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function setupStubs(): string {
  const dir = path.join(work, 'stubs');
  mkdirSync(dir, { recursive: true });
  for (const name of STUBS) {
    const file = path.join(dir, name);
    // Record argv (NUL-separated, record separator 0x1e); `id` answers a uid so `uid=$(id -u ...)` chains on.
    writeFileSync(file, `#!/bin/sh\n{ printf '%s\\0' "\${0##*/}" "$@"; printf '\\036'; } >> "$STUB_LOG"\n[ "\${0##*/}" = id ] && echo ${STUB_ID_UID}\nexit 0\n`);
    chmodSync(file, 0o755);
  }
  return dir;
}

const RUNNER = `#!/bin/sh
# $1 workdir, $2 shell kind, $3 command count. Runs inside unshare --mount --propagation private.
W=$1; KIND=$2; N=$3; k=0
mkdir -p "$W/home"
while [ "$k" -lt "$N" ]; do
  d="$W/run-$KIND-$k"
  mkdir -p "$d/upper/sudoers.d" "$d/upper/audit/rules.d" "$d/upper/ssh/sshd_config.d" "$d/upper/fail2ban/jail.d" "$d/work"
  : > "$d/log"
  mount -t overlay overlay -o "lowerdir=/etc,upperdir=$d/upper,workdir=$d/work" /etc || exit 90
  set -- env -i "STUB_LOG=$d/log" "HOME=$W/home" "HISTFILE=/dev/null" "TERM=dumb" "PATH=$W/stubs:/usr/sbin:/usr/bin:/sbin:/bin"
  case "$KIND" in
    dash) "$@" dash "$W/cmd-$k.sh" > "$d/out" 2>&1 ;;
    bash-i) "$@" bash --norc --noprofile -i < "$W/cmd-$k.sh" > "$d/out" 2>&1 ;;
  esac
  echo $? > "$d/rc"
  umount /etc || exit 91
  k=$((k + 1))
done
`;

interface Outcome {
  argv: string[][];
  files: Map<string, string>;
  out: string;
}

function readOutcome(d: string): Outcome {
  const raw = readFileSync(path.join(d, 'log'), 'utf8');
  const argv = raw
    .split('\u001e')
    .filter((r) => r !== '')
    .map((r) => r.split('\0').slice(0, -1));
  const files = new Map<string, string>();
  const walk = (dir: string, rel: string): void => {
    for (const e of readdirSync(dir)) {
      const p = path.join(dir, e);
      const r = rel ? `${rel}/${e}` : e;
      if (statSync(p).isDirectory()) walk(p, r);
      else files.set(r, p);
    }
  };
  walk(path.join(d, 'upper'), '');
  return { argv, files, out: readFileSync(path.join(d, 'out'), 'utf8') };
}

/** The names a sudoers file grants or configures, as sudo itself parses them (cvtsudoers JSON). */
function sudoersSubjects(file: string): unknown[] {
  const json = JSON.parse(execFileSync('cvtsudoers', ['-f', 'json', file], { encoding: 'utf8', timeout: 10_000 })) as {
    User_Specs?: { User_List: unknown[] }[];
    Defaults?: { Binding?: unknown[] }[];
  };
  return [...(json.User_Specs ?? []).flatMap((u) => u.User_List), ...(json.Defaults ?? []).flatMap((d) => d.Binding ?? [])];
}

describe('user names are refused at input when no Unix account could have them', () => {
  it.each(['scan\nALL ALL=(ALL) NOPASSWD: ALL', 'a\rb', 'a\tb', '\u001b[31mred', 'a\u007fb', 'a\u0085b', 'a\u2028b', 'nul\u0000'])('%j', (name) => {
    expect(unixUserProblem(name)).toMatch(/control character|line break/);
    const r = authRequestSchema.safeParse({ host: '192.0.2.1', user: name });
    expect(r.success).toBe(false);
    expect(diagnoseRequestSchema.safeParse({ target: '192.0.2.1', auth: { user: name } }).success).toBe(false);
    // Defence in depth: the advice never writes such a name into sudoers.
    expect(sudoersUser(name)).toBeNull();
    expect(nopasswdLine(name, null)).toBeNull();
    expect(noRequirettyLine(name, null)).toBeNull();
  });
  it('ordinary and odd-but-possible names pass', () => {
    for (const name of ['qualys', 'svc_scan', 'scan.user', 'DOMAIN\\scan', 'ünï', ...HOSTILE]) expect(unixUserProblem(name)).toBeNull();
    expect(authRequestSchema.safeParse({ host: '192.0.2.1', user: 'a'.repeat(129) }).success).toBe(false);
    expect(authRequestSchema.safeParse({ host: '192.0.2.1', user: '' }).success).toBe(false);
  });
});

describe('PowerShell quoting', () => {
  /** PowerShell's single-quoted string: a doubled quote character (any of the four) is one literal quote, a single one ends the string. */
  function psUnquote(s: string): string | null {
    const Q = /['\u2018\u2019\u201A\u201B]/;
    if (!Q.test(s[0] ?? '')) return null;
    let out = '';
    for (let i = 1; i < s.length; i++) {
      const c = s[i] ?? '';
      if (Q.test(c)) {
        if (Q.test(s[i + 1] ?? '')) {
          out += c;
          i++;
        } else return i === s.length - 1 ? out : null;
      } else out += c;
    }
    return null;
  }
  it.each([...HOSTILE, "it's", 'a\u2019b', '\u2018x\u201B', "''", '$(Get-Date)', '`n', '@(1)'])('%j round-trips', (s) => {
    expect(psUnquote(psQuote(s))).toBe(s);
  });
});

describe.skipIf(skipReason !== null)('every pasted command with hostile names, run in a sandbox (unshare + overlayfs + stub tools)', () => {
  const stubs = setupStubs();
  /** Commands that do not depend on the name come out the same for a plain name: the others carry it. */
  const nameFree = new Set(commandsFor('plainsentinel'));

  /** Runs each command in every shell, each in its own overlay; returns the outcome per shell and command. */
  function runAll(label: string, cmds: string[]): (kind: ShellKind, k: number) => Outcome {
    const dir = path.join(work, label);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'runner.sh'), RUNNER);
    cmds.forEach((c, k) => writeFileSync(path.join(dir, `cmd-${k}.sh`), `${c}\n`));
    execFileSync('ln', ['-s', stubs, path.join(dir, 'stubs')]);
    for (const kind of SHELLS) {
      const r = spawnSync('unshare', ['--mount', '--propagation', 'private', '--', 'sh', path.join(dir, 'runner.sh'), dir, kind, String(cmds.length)], { timeout: 300_000, encoding: 'utf8' });
      expect(r.status, `${kind}: ${r.stderr}`).toBe(0);
    }
    return (kind, k) => readOutcome(path.join(dir, `run-${kind}-${k}`));
  }
  const onlyAllowedWrites = (o: Outcome, where: string): void => {
    for (const f of o.files.keys()) expect(ALLOWED_WRITES.has(f), `${where}\nwrote /etc/${f}`).toBe(true);
  };

  it('the commands that carry no name run clean too (firewall rules, checks)', () => {
    const cmds = [...nameFree];
    const outcome = runAll('name-free', cmds);
    for (const [k, cmd] of cmds.entries()) for (const kind of SHELLS) onlyAllowedWrites(outcome(kind, k), `${kind}:\n${cmd}`);
  }, 600_000);

  it.each(HOSTILE.map((n, i) => [i, n] as const))('name %i %j: nothing but the intended effect, the name literally', (i, name) => {
    const all = commandsFor(name);
    expect(all.length).toBeGreaterThan(25);
    // Commands that do not carry the name are the sentinel's: they run once, above.
    const cmds = all.filter((c) => !nameFree.has(c));
    expect(cmds.length).toBeGreaterThan(8);
    const outcome = runAll(`n${i}`, cmds);
    // Nothing ran that the advice did not mean to run: no marker from any payload, in any shell.
    expect(readdirSync('/tmp').filter((f) => f.startsWith(`srpwn-${RUN}`))).toEqual([]);

    const sudoName = sudoersUser(name);
    for (const [k, cmd] of cmds.entries()) {
      for (const kind of SHELLS) {
        const where = `${kind} cmd-${k}:\n${cmd}`;
        const o = outcome(kind, k);
        onlyAllowedWrites(o, where);
        if (cmd.includes('/etc/sudoers.d/')) {
          // The sudoers drop-in exists (visudo accepted it) and sudo reads exactly this account in it.
          const file = [...o.files.entries()].find(([f]) => f.startsWith('sudoers.d/'));
          expect(file, `${where}\n${o.out}`).toBeDefined();
          const subjects = sudoersSubjects(file?.[1] ?? '');
          expect(subjects, where).toEqual([sudoName !== null ? { username: name } : { userid: UID }]);
          continue;
        }
        // Everywhere else the name reaches the tool as one argv element, intact.
        const literal = o.argv.flat().some((a) => a === name || a === `[${name}]:2222`);
        expect(literal, `${where}\nargv: ${JSON.stringify(o.argv)}\n${o.out}`).toBe(true);
        if (cmd.startsWith('uid=$(id -u')) {
          // The auditd rules use the uid the (stub) id printed for that name.
          expect(o.argv.find((a) => a[0] === 'id')?.slice(1), where).toEqual(name.startsWith('-') ? ['-u', '--', name] : ['-u', name]);
          const rules = o.argv.filter((a) => a[0] === 'auditctl');
          if (cmd.includes('auditctl')) expect(rules.map((a) => a.join(' ')), where).toEqual(['b64', 'b32'].map((arch) => `auditctl -a always,exit -F arch=${arch} -F auid=${STUB_ID_UID} -S execve -k scanready-scan`));
          const kept = o.files.get('audit/rules.d/scanready-scan.rules');
          if (cmd.includes('augenrules')) expect(kept && readFileSync(kept, 'utf8'), where).toBe(['b64', 'b32'].map((arch) => `-a always,exit -F arch=${arch} -F auid=${STUB_ID_UID} -S execve -k scanready-scan\n`).join(''));
        }
      }
    }
  }, 600_000);

  it('the sandbox can fail: an unquoted name does create the marker, and a bad sudoers file is refused by visudo', () => {
    const m = marker();
    const evil = `x$(touch ${m})`;
    // The old advice's shape: the name inside double quotes; and a sudoers line visudo must refuse.
    const outcome = runAll('control', [
      `journalctl -u ssh | grep -F "${evil}"`,
      `printf '%s\\n' 'x"y ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/scanready-scan.new && visudo -cf /etc/sudoers.d/scanready-scan.new && mv /etc/sudoers.d/scanready-scan.new /etc/sudoers.d/scanready-scan || rm -f /etc/sudoers.d/scanready-scan.new`,
    ]);
    expect(existsSync(m)).toBe(true);
    rmSync(m, { force: true });
    expect([...outcome('dash', 1).files.keys()].filter((f) => f.startsWith('sudoers.d/'))).toEqual([]);
  }, 120_000);
});
