/**
 * Property tests (fast-check) for every parser of outside data on the credential side: netstat/ss,
 * sudo -l, id, uname/os-release/command -v, SSH banners, tmp-exec, history, auditd and the marker
 * protocol. For any input: no exception, output within stated bounds, and work bounded by a line
 * or marker cap (shown by a valid line placed past the cap being ignored) — never by wall-clock.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Markers, MAX_MARKER_LINES, MAX_MARKER_VALUE } from '../markers.js';
import { SCAN_COMMANDS } from '../scanCommands.js';
import { decodeOutput } from '../text.js';
import { parseAuditd } from './auditd.js';
import { parseCommands } from './commands.js';
import { BANNER_BYTES, identifyService, parseBanner } from './handshake.js';
import { parseHistory } from './history.js';
import { MAX_LISTENING_LINES, MAX_PORTS, parseListening, parseListeningRun, splitAddress } from './listening.js';
import { classifySessions } from './sessions.js';
import { MAX_SUDO_LINES, parseSudoList, parseSudoListRun } from './sudoRules.js';
import { parseTmpExec } from './tmpExec.js';
import { parseId } from './uid.js';

const RUNS = { numRuns: 300 };
const TOKEN = 'feedfacecafebeef';

/** Words that real outputs are made of, so the generator reaches the parsers' deeper branches. */
const WORDS = [
  'tcp', 'tcp4', 'tcp6', 'tcp46', 'udp', 'udp6', 'LISTEN', 'LISTENING', 'UNCONN', 'ESTAB', 'IDLE', '0', '128', '*.22', '*.*', '0.0.0.0:22', '0.0.0.0:*',
  '[::]:443', ':::*', '127.0.0.1.631', '::1.631', 'TCP: IPv4', 'UDP: IPv6', 'Proto', 'Netid', 'users:(("sshd",pid=612,fd=3))', '612/sshd', '-',
  'User', 'may run the following commands on', 'Matching Defaults entries', '(ALL : ALL)', '(root)', 'NOPASSWD:', 'ALL', '!/bin/sh', '/usr/bin/id,', '\\,',
  'Sudoers entry:', 'RunAsUsers: root', 'Options: !authenticate', 'Commands:', 'requiretty', 'is not in the sudoers file',
  'uid=0(root)', 'uid=1001(scan)', 'gid=10(staff)', 'SSH-2.0-OpenSSH_9.6', 'SSH-1.5-x', 'HTTP/1.1', '220', '+OK', '* OK', 'RFB 003.008',
  'enabled', '1', 'noexec', '/tmp', 'PRETTY_NAME="x"', '\t', ' ', '\r', '\u001b[31m', '\u0000', '\uFFFD', 'ü', '💥',
];

/** Text built from real-output words, arbitrary strings and marker lines of the step under test. */
function outputLike(prefix: string): fc.Arbitrary<string> {
  const keys = ['uid', 'name', 'id', 'rc', 'out', 'mount', 'missing', 'not-writable', 'cmd', 'uname', 'os', 'shell', 'home', 'file', 'set', 'running', 'not-running', 'auditctl', 's', 'tool'];
  const word = fc.oneof(fc.constantFrom(...WORDS), fc.string({ unit: 'binary', maxLength: 40 }));
  const plainLine = fc.array(word, { maxLength: 12 }).map((ws) => ws.join(' '));
  const markerLine = fc.tuple(fc.constantFrom(...keys), fc.boolean(), plainLine, fc.constantFrom(...SCAN_COMMANDS)).map(([k, eq, v, c]) =>
    k === 'cmd' ? `${prefix}cmd=${c}:${v}` : `${prefix}${k}${eq ? `=${v}` : ''}`,
  );
  return fc.tuple(fc.array(fc.oneof(plainLine, markerLine), { maxLength: 60 }), fc.constantFrom('\n', '\r\n')).map(([ls, eol]) => ls.join(eol));
}

/** Any input: arbitrary code points, arbitrary bytes decoded as the engine decodes them, or output-like text. */
function anyOutput(prefix: string): fc.Arbitrary<string> {
  return fc.oneof(fc.string({ unit: 'binary', maxLength: 3000 }), fc.uint8Array({ maxLength: 3000 }).map((b) => decodeOutput(b)), outputLike(prefix));
}

const lineCount = (s: string): number => s.split('\n').length;

describe('marker protocol', () => {
  const m = new Markers('prop', TOKEN);
  it('never throws; at most MAX_MARKER_LINES lines, values clipped, keys well-formed', () => {
    fc.assert(
      fc.property(anyOutput(m.prefix), (text) => {
        const lines = m.parse(text);
        expect(lines.size).toBeLessThanOrEqual(Math.min(MAX_MARKER_LINES, lineCount(text)));
        for (const l of lines.lines) {
          expect(l.key).toMatch(/^[a-z][a-z0-9-]{0,30}$/);
          expect(l.value.length).toBeLessThanOrEqual(MAX_MARKER_VALUE);
        }
      }),
      RUNS,
    );
  });
  it('work is bounded by the marker cap: a marker past it is not read', () => {
    const text = `${m.prefix}x=1\n`.repeat(MAX_MARKER_LINES) + `${m.prefix}late=1\n`;
    expect(m.parse(text).has('late')).toBe(false);
  });
});

describe('netstat / ss (parseListening)', () => {
  it('never throws; ports are valid, unique and at most one per line, within MAX_PORTS', () => {
    fc.assert(
      fc.property(anyOutput('SR-listen-0:'), (text) => {
        const ports = parseListening(text);
        expect(ports.length).toBeLessThanOrEqual(Math.min(MAX_PORTS, lineCount(text)));
        const keys = new Set(ports.map((p) => `${p.protocol}|${p.address}|${p.port}`));
        expect(keys.size).toBe(ports.length);
        for (const p of ports) {
          expect(p.port).toBeGreaterThanOrEqual(1);
          expect(p.port).toBeLessThanOrEqual(65535);
          expect(p.address.length).toBeLessThanOrEqual(100);
          expect(['tcp', 'udp', 'tcp6', 'udp6']).toContain(p.protocol);
          if (p.process !== null) expect(p.process.length).toBeLessThanOrEqual(4 * 80);
        }
      }),
      RUNS,
    );
  });
  it('structured netstat/ss lines with random fields never throw', () => {
    const field = fc.oneof(fc.constantFrom(...WORDS), fc.stringMatching(/^[0-9a-f:.[\]*%]{0,30}$/), fc.integer({ min: -5, max: 99999 }).map(String));
    const line = fc.tuple(fc.constantFrom('tcp', 'udp', 'tcp6', 'udp4', 'tcp46'), fc.array(field, { maxLength: 8 })).map(([p, f]) => [p, ...f].join(' '));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 80 }), (lines) => {
        expect(parseListening(lines.join('\n')).length).toBeLessThanOrEqual(lines.length);
      }),
      RUNS,
    );
  });
  it('splitAddress: null or a port in range and a bounded address', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (tok) => {
        const a = splitAddress(tok);
        if (a) {
          expect(a.port).toBeGreaterThanOrEqual(1);
          expect(a.port).toBeLessThanOrEqual(65535);
          expect(a.address.length).toBeLessThanOrEqual(100);
        }
      }),
      RUNS,
    );
  });
  it('work is bounded by the line cap: a listener past MAX_LISTENING_LINES is not read', () => {
    const text = 'x\n'.repeat(MAX_LISTENING_LINES) + 'tcp 0 0 0.0.0.0:4444 0.0.0.0:* LISTEN 1/late\n';
    expect(parseListening(text)).toEqual([]);
    expect(parseListening(`tcp 0 0 0.0.0.0:4444 0.0.0.0:* LISTEN 1/early\n${text}`)).toHaveLength(1);
  });
  it('parseListeningRun: tool is one of ours or null', () => {
    const m = new Markers('listen', TOKEN);
    fc.assert(
      fc.property(anyOutput(m.prefix), (text) => {
        const r = parseListeningRun(text, m);
        expect([null, 'netstat-anp', 'ss-tulpn', 'netstat-an']).toContain(r.tool);
        if (r.tool === null) expect(r.ports).toEqual([]);
      }),
      RUNS,
    );
  });
});

describe('sudo -l (parseSudoList, parseSudoListRun)', () => {
  it('never throws; rules bounded by the lines; summary consistent', () => {
    fc.assert(
      fc.property(anyOutput('SR-sudo-0:'), (text) => {
        const s = parseSudoList(text);
        expect(s.rules.length).toBeLessThanOrEqual(Math.min(MAX_SUDO_LINES, lineCount(text)));
        for (const r of s.rules) expect(r.commands.length).toBeGreaterThan(0);
        expect(s.allowedAsRoot.length + s.negations.length).toBeLessThanOrEqual(s.rules.reduce((n, r) => n + r.commands.length, 0));
        if (s.restricted) expect(s.noSudo).toBe(false);
        if (s.rootShell !== null) expect(s.allowedAsRoot).toContain(s.rootShell);
      }),
      RUNS,
    );
  });
  it('work is bounded by the line cap: a rule past MAX_SUDO_LINES is not read', () => {
    const head = 'User scan may run the following commands on h:\n';
    expect(parseSudoList(`${head}${'\n'.repeat(MAX_SUDO_LINES)}    (ALL) ALL\n`).rules).toEqual([]);
    expect(parseSudoList(`${head}    (ALL) ALL\n`).rules).toHaveLength(1);
  });
  it('the run parser never throws and never keeps our marker lines', () => {
    const m = new Markers('sudo', TOKEN);
    fc.assert(
      fc.property(anyOutput(m.prefix), fc.boolean(), (text, timedOut) => {
        const r = parseSudoListRun(text, m, '[p] password:', timedOut, null);
        expect(r.text.split('\n').some((l) => l.startsWith(m.prefix))).toBe(false);
        expect(r.evidence.length).toBeLessThanOrEqual(3100);
      }),
      RUNS,
    );
  });
});

describe('id (parseId)', () => {
  const m = new Markers('uid', TOKEN);
  it('never throws; uid is null or a 32-bit integer; name and id bounded', () => {
    fc.assert(
      fc.property(anyOutput(m.prefix), (text) => {
        const p = parseId(text, m);
        if (p.uid !== null) {
          expect(Number.isInteger(p.uid)).toBe(true);
          expect(p.uid).toBeGreaterThanOrEqual(0);
          expect(p.uid).toBeLessThanOrEqual(0xffffffff);
        }
        if (p.name !== null) expect(p.name.length).toBeLessThanOrEqual(64);
        expect(p.id.length).toBeLessThanOrEqual(600);
      }),
      RUNS,
    );
  });
  it('any uid line printed by id round-trips', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.stringMatching(/^[a-z_][a-z0-9_-]{0,31}$/), (uid, name) => {
        const p = parseId(`${m.prefix}uid=\n${m.prefix}name=\n${m.prefix}id=uid=${uid}(${name}) gid=1(staff)\n`, m);
        expect(p).toMatchObject({ uid, name });
      }),
      RUNS,
    );
  });
});

describe('uname / os-release / command -v (parseCommands)', () => {
  const m = new Markers('cmd', TOKEN);
  it('never throws; only known commands, each once; uname and os bounded', () => {
    fc.assert(
      fc.property(anyOutput(m.prefix), (text) => {
        const p = parseCommands(text, m);
        expect(p.present.length).toBeLessThanOrEqual(SCAN_COMMANDS.length);
        expect(new Set(p.present.map((c) => c.name)).size).toBe(p.present.length);
        for (const c of p.present) expect(SCAN_COMMANDS).toContain(c.name);
        expect(p.uname.length).toBeLessThanOrEqual(350);
        expect(Object.keys(p.os).length).toBeLessThanOrEqual(64);
        expect(Object.getPrototypeOf(p.os)).toBe(Object.prototype);
      }),
      RUNS,
    );
  });
});

describe('SSH banners (parseBanner, identifyService)', () => {
  it('never throws; a banner is one SSH- line, bounded, without control characters', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)),
      fc.tuple(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 })).map(([a, b]) => Buffer.from(`${a}\r\nSSH-2.0-${b}\r\n`, 'latin1')),
    );
    fc.assert(
      fc.property(bytes, (b) => {
        const banner = parseBanner(b);
        if (banner !== null) {
          expect(banner.startsWith('SSH-')).toBe(true);
          expect(banner.length).toBeLessThanOrEqual(250);
          expect(banner).not.toMatch(/[\x00-\x08\x0a-\x1f\x7f]/); // eslint-disable-line no-control-regex
        }
        const svc = identifyService(b);
        expect(svc.service.length).toBeGreaterThan(0);
        expect(svc.evidence.length).toBeLessThanOrEqual(260);
      }),
      RUNS,
    );
  });
  it('only the first BANNER_BYTES are looked at', () => {
    expect(parseBanner(Buffer.from(`${'x'.repeat(BANNER_BYTES)}\nSSH-2.0-late\r\n`))).toBeNull();
  });
});

describe('tmp-exec, history, auditd', () => {
  it('tmp-exec: never throws; a known state; rc null or 0..999', () => {
    const m = new Markers('tmp', TOKEN);
    fc.assert(
      fc.property(anyOutput(m.prefix), (text) => {
        const p = parseTmpExec(text, m);
        expect(['missing', 'not-writable', 'ran', 'failed', 'unknown']).toContain(p.state);
        if (p.rc !== null) expect(p.rc).toBeLessThanOrEqual(999);
        expect(p.out.length).toBeLessThanOrEqual(550);
        expect(p.mount.length).toBeLessThanOrEqual(MAX_MARKER_VALUE);
      }),
      RUNS,
    );
  });
  it('history: never throws; only our file names, each once; at most 20 settings', () => {
    const m = new Markers('hist', TOKEN);
    fc.assert(
      fc.property(anyOutput(m.prefix), (text) => {
        const p = parseHistory(text, m);
        expect(p.files.length).toBeLessThanOrEqual(4);
        for (const f of p.files) expect(Number.isSafeInteger(f.lines)).toBe(true);
        expect(p.settings.length).toBeLessThanOrEqual(20);
        for (const s of p.settings) expect(s.length).toBeLessThanOrEqual(250);
      }),
      RUNS,
    );
  });
  it('auditd: never throws; at most 8 status lines; enabled null or 0..2', () => {
    const m = new Markers('audit', TOKEN);
    fc.assert(
      fc.property(anyOutput(m.prefix), (text) => {
        const p = parseAuditd(text, m);
        expect(p.status.length).toBeLessThanOrEqual(8);
        expect([null, 0, 1, 2]).toContain(p.enabled);
      }),
      RUNS,
    );
  });
});

describe('sessions classification', () => {
  it('any tally: null exactly when nothing failed, else a reason and a sentence', () => {
    const tallyArb = fc.record({
      ok: fc.nat(100),
      failed: fc.nat(100),
      errors: fc.dictionary(fc.constantFrom('connection-refused', 'max-startups', 'auth-failed', 'timeout', 'no-banner', 'channel-open-failed', 'x'), fc.nat(100)),
      messages: fc.constant<string[]>([]),
    });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), tallyArb, tallyArb, (n, conns, chans) => {
        const c = classifySessions(n, conns, chans);
        expect(c === null).toBe(conns.failed === 0 && chans.failed === 0);
        if (c) expect(c.why.length).toBeGreaterThan(0);
      }),
      RUNS,
    );
  });
});
