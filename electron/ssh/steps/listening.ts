/**
 * Step `listening`: what the host listens on, from `netstat -anp`, else `ss -tulpn`, else plain
 * `netstat -an` (BSD, Solaris, AIX). Ports the discovery profile does not probe are custom-port
 * candidates. Defensive: any line that does not parse is skipped; output may hold any bytes.
 */
import { oneOf, type ListeningPort, type ListeningTool, type RanStep } from '../../../shared/auth.js';
import { builtinProfile, type DiscoveryProfile } from '../../../shared/profiles.js';
import type { Markers } from '../markers.js';
import { scriptStep, type RemoteRun } from './context.js';

export type ParsedListening = Omit<ListeningPort, 'candidate'>;

/** The most listening sockets kept from one output. */
export const MAX_PORTS = 5000;
/** The most lines of one output looked at (a host printing millions of lines costs no more). */
export const MAX_LISTENING_LINES = 200_000;

/** Splits `addr:port`, `[v6]:port`, `*.22`, `127.0.0.1.631`, `::1.631` (BSD) → address and port. */
export function splitAddress(token: string): { address: string; port: number } | null {
  const m = /^(.*)[.:](\d{1,5})$/.exec(token);
  if (!m || m[1] === undefined || m[2] === undefined) return null;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return null;
  let address = m[1];
  if (address.startsWith('[') && address.endsWith(']')) address = address.slice(1, -1);
  if (address === '' || address.length > 100) return null;
  if (!/^[0-9A-Za-z.:*%_\-[\]]+$/.test(address)) return null;
  return { address, port };
}

function isV6(address: string): boolean {
  return address.includes(':');
}

function family(base: 'tcp' | 'udp', proto: string, address: string): ListeningPort['protocol'] {
  // tcp6 / udp6 (Linux, BSD), tcp46 (BSD dual stack) or an IPv6 address → the v6 variant.
  if (/6/.test(proto) || isV6(address)) return base === 'tcp' ? 'tcp6' : 'udp6';
  return base;
}

function processFromSs(rest: string): string | null {
  const names = [...rest.matchAll(/\("([^"]{1,64})",pid=(\d+)/g)].map((m) => `${m[2]}/${m[1]}`);
  return names.length > 0 ? [...new Set(names)].slice(0, 4).join(', ') : null;
}

function processFromNetstat(tok: string | undefined): string | null {
  if (!tok || tok === '-') return null;
  return /^\d+\/\S/.test(tok) ? tok.slice(0, 80) : null;
}

const REMOTE_ANY = /^(\*|0\.0\.0\.0|::|\[::\]|\*\.\*|0\.0\.0\.0\.\*|::\.\*|\*:\*|0\.0\.0\.0:\*|:::\*|\[::\]:\*|\*\.\*)$|[.:]\*$/;

/** Parses one command output. Lines of unknown shape are ignored. */
export function parseListening(output: string): ParsedListening[] {
  const out: ParsedListening[] = [];
  const seen = new Set<string>();
  const add = (p: ParsedListening): void => {
    const key = `${p.protocol}|${p.address}|${p.port}`;
    if (seen.has(key) || out.length >= MAX_PORTS) return;
    seen.add(key);
    out.push(p);
  };
  // Solaris prints sections: "TCP: IPv4", "UDP: IPv6".
  let section: { base: 'tcp' | 'udp'; v6: boolean } | null = null;
  const lines = output.split('\n');
  for (let i = 0; i < lines.length && i < MAX_LISTENING_LINES; i++) {
    const line = (lines[i] ?? '').replace(/\uFFFD/g, '?').trim();
    if (line === '' || line.length > 2000) continue;
    const sec = /^(TCP|UDP)(?:: IPv([46]))?\s*$/i.exec(line);
    if (sec?.[1]) {
      section = { base: sec[1].toLowerCase() as 'tcp' | 'udp', v6: sec[2] === '6' };
      continue;
    }
    if (/^(Active|Proto|Netid|unix|Local Address|-{5})/i.test(line)) {
      if (/^Active UNIX/i.test(line)) section = null;
      continue;
    }
    const t = line.split(/\s+/);
    const first = t[0] ?? '';
    const proto = /^(tcp|udp)(4|6|46)?$/i.exec(first);
    if (proto?.[1]) {
      const base = proto[1].toLowerCase() as 'tcp' | 'udp';
      if (/^[A-Z-]+$/.test(t[1] ?? '') && !/^\d+$/.test(t[1] ?? '')) {
        // ss: Netid State Recv-Q Send-Q Local Peer [Process]
        const state = (t[1] ?? '').toUpperCase();
        if (base === 'tcp' && state !== 'LISTEN') continue;
        if (base === 'udp' && state !== 'UNCONN') continue;
        const local = splitAddress(t[4] ?? '');
        if (!local) continue;
        add({ protocol: family(base, first, local.address), address: local.address, port: local.port, process: processFromSs(t.slice(6).join(' ')) });
        continue;
      }
      // netstat (Linux, BSD, AIX): Proto Recv-Q Send-Q Local Foreign [State] [PID/Program]
      if (!/^\d+$/.test(t[1] ?? '') || !/^\d+$/.test(t[2] ?? '')) continue;
      const local = splitAddress(t[3] ?? '');
      if (!local) continue;
      const foreign = t[4] ?? '';
      const state = (t[5] ?? '').toUpperCase();
      if (base === 'tcp') {
        if (state !== 'LISTEN' && state !== 'LISTENING') continue;
        add({ protocol: family(base, first, local.address), address: local.address, port: local.port, process: processFromNetstat(t[6]) });
      } else {
        // UDP has no LISTEN state: an unconnected socket (foreign wildcard) is a listener.
        if (!REMOTE_ANY.test(foreign)) continue;
        const procTok = /^\d+\//.test(t[5] ?? '') ? t[5] : t[6];
        add({ protocol: family(base, first, local.address), address: local.address, port: local.port, process: processFromNetstat(procTok) });
      }
      continue;
    }
    if (section) {
      // Solaris: TCP "Local Remote Swind Send-Q Rwind Recv-Q State", UDP "Local [Remote] State".
      const local = splitAddress(first);
      if (!local) continue;
      const state = (t[t.length - 1] ?? '').toUpperCase();
      const stateOrIf = t.length >= 2 ? state : '';
      if (section.base === 'tcp') {
        if (!t.some((x) => x.toUpperCase() === 'LISTEN')) continue;
      } else if (stateOrIf !== 'IDLE' && !(t.length === 2 && t[1] && REMOTE_ANY.test(t[1]))) {
        continue;
      }
      const protocol = section.v6 || isV6(local.address) ? (section.base === 'tcp' ? 'tcp6' : 'udp6') : section.base;
      add({ protocol, address: local.address, port: local.port, process: null });
    }
  }
  return out;
}

/** Loopback-only listeners cannot be reached by a scanner: never candidates. */
export function isLoopback(address: string): boolean {
  const a = address.replace(/%.*$/, '');
  return /^127\./.test(a) || a === '::1' || a === 'localhost' || /^::ffff:127\./i.test(a);
}

/** Marks ports the profile does not probe as custom-port candidates. */
export function markCandidates(ports: readonly ParsedListening[], profile: DiscoveryProfile | undefined): ListeningPort[] {
  const tcp = new Set<number>([...(profile?.tcpSyn ?? []), ...(profile?.tcpAck ?? []).map((p) => p.port), ...(profile?.tcpSynAck ?? []).map((p) => p.port)]);
  const udp = new Set<number>(profile?.udp ?? []);
  return ports.map((p) => {
    const inProfile = p.protocol.startsWith('tcp') ? tcp.has(p.port) : udp.has(p.port);
    return { ...p, candidate: !inProfile && !isLoopback(p.address) };
  });
}

export const LISTENING_TOOLS: readonly ListeningTool[] = ['netstat-anp', 'ss-tulpn', 'netstat-an'];

export function listeningScript(m: Markers): string {
  return (
    `if command -v netstat >/dev/null 2>&1 && out=$(netstat -anp 2>/dev/null) && [ -n "$out" ]; then ${m.line('tool', 'netstat-anp')}; printf "%s\\n" "$out"; ` +
    `elif command -v ss >/dev/null 2>&1; then ${m.line('tool', 'ss-tulpn')}; ss -tulpn 2>/dev/null; ` +
    `elif command -v netstat >/dev/null 2>&1; then ${m.line('tool', 'netstat-an')}; netstat -an 2>/dev/null; else ${m.line('tool', 'none')}; fi`
  );
}

export interface ParsedListeningRun {
  /** null: no tool answered. */
  tool: ListeningTool | null;
  ports: ParsedListening[];
}

export function parseListeningRun(text: string, m: Markers): ParsedListeningRun {
  const tool = oneOf(LISTENING_TOOLS, (m.parse(text).get('tool') ?? '').trim()) ?? null;
  return { tool, ports: tool === null ? [] : parseListening(text) };
}

export function listeningResult(p: ParsedListeningRun, r: RemoteRun, user: string, profileName: string): RanStep<'listening'> {
  if (p.tool === null) {
    return { id: 'listening', ok: false, ms: r.ms, reason: r.timedOut ? 'timeout' : 'no-tool', summary: 'neither netstat nor ss is available (or they printed nothing)', data: { ports: [] } };
  }
  const profile = builtinProfile(profileName);
  const ports = markCandidates(p.ports, profile);
  const candidates = ports.filter((x) => x.candidate);
  return {
    id: 'listening',
    ok: true,
    ms: r.ms,
    summary: `${ports.length} listening socket(s) via ${p.tool.replace('-', ' -')}; ${candidates.length} not in profile ${profileName}${profile ? '' : ' (unknown profile: no comparison)'}`,
    data: {
      tool: p.tool,
      ranAs: r.root ? 'root' : user,
      truncated: r.truncated,
      ports,
      candidates: candidates.map((x) => `${x.protocol}/${x.port}`),
    },
  };
}

export const listeningStep = scriptStep<ParsedListeningRun>({
  id: 'listening',
  marker: 'listen',
  as: 'root',
  script: (m) => listeningScript(m),
  parse: parseListeningRun,
  result: (p, r, ctx) => listeningResult(p, r, ctx.req.user, ctx.req.profile),
});
