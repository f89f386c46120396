/** The human parts of a debug bundle: summary.txt and probes.csv (plain text, no colour). */
import type { AuthResult } from '../../shared/auth.js';
import type { Advice, DiagnosisResult, OpenPort, PathResult } from '../../shared/diagnosis.js';
import type { HostResult, ProbeResult } from '../../shared/discovery.js';

export interface SummaryInput {
  diagnoses: DiagnosisResult[];
  discoveries: HostResult[];
  auth: AuthResult[];
}

function pad(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => '  ' + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n');
}

function probeAnswer(p: ProbeResult): string {
  const icmp = p.icmpType !== null ? ` (ICMP ${p.icmpType}/${p.icmpCode ?? '?'})` : '';
  return `${p.result}${icmp}${p.countsAsAlive ? ' *' : ''}`;
}

function probePort(p: ProbeResult): string {
  if (p.port === null) return '-';
  return p.sourcePort !== null ? `${p.sourcePort}→${p.port}` : String(p.port);
}

function hostBlock(h: HostResult): string[] {
  const out = [
    `${h.target}${h.address !== '' && h.address !== h.target ? ` (${h.address})` : ''}: ${h.verdict.toUpperCase()}`,
    `  reason:     ${h.reason}`,
  ];
  if (h.aliveBy !== '') out.push(`  alive by:   ${h.aliveBy}`);
  out.push(`  profile:    ${h.profile}; ${h.privileged ? 'raw sockets (exact probes)' : 'unprivileged (fallback methods)'}; ${h.durationMs} ms from ${h.startedAt}`);
  for (const w of h.warnings) out.push(`  warning:    ${w}`);
  if (h.probes.length > 0) {
    out.push('  probes (* counts as alive):');
    const rows = [['PROTO', 'KIND', 'PORT', 'METHOD', 'ANSWER', 'RESPONDER', 'TTL', 'RTT', 'TRIES', 'DETAIL']];
    for (const p of h.probes) {
      rows.push([
        p.protocol,
        p.kind,
        probePort(p),
        p.method,
        probeAnswer(p),
        p.responder === null ? '-' : `${p.responder}${p.fromTarget ? '' : ' (not the target)'}`,
        p.ttl === null ? '-' : String(p.ttl),
        p.rttMs === null ? '-' : `${p.rttMs.toFixed(1)} ms`,
        String(p.attempts),
        (p.detail ?? '').replace(/\s+/g, ' '),
      ]);
    }
    out.push(pad(rows).replace(/^/gm, '  '));
  }
  return out;
}

function pathBlock(p: PathResult): string[] {
  const out = [`  path (${p.method}, ${p.probe}): ${p.reached ? 'reached the target' : `did not reach the target; last answer from ${p.lastResponder ?? 'nobody'}`}`];
  if (p.blockingHop) out.push(`    blocked at hop ${p.blockingHop.ttl} (${p.blockingHop.responder ?? '?'}): ${p.blockingHop.note}`);
  if (p.hops.length > 0) {
    const rows = [['HOP', 'RESPONDER', 'RTT', 'ANSWER']];
    for (const h of p.hops) {
      const icmp = h.icmpType !== null ? ` (ICMP ${h.icmpType}/${h.icmpCode ?? '?'})` : '';
      rows.push([String(h.ttl), h.responder ?? '*', h.rttMs === null ? '-' : `${h.rttMs.toFixed(1)} ms`, `${h.note}${icmp}`]);
    }
    out.push(pad(rows).replace(/^/gm, '  '));
  }
  if (p.detail) out.push(`    ${p.detail}`);
  return out;
}

function portsBlock(ports: OpenPort[]): string[] {
  if (ports.length === 0) return ['  ports the host answers on: none found'];
  return [`  ports the host answers on: ${ports.map((p) => `${p.protocol}/${p.port}${p.service ? ` (${p.service})` : ''} ${p.result}`).join(', ')}`];
}

function authBlock(a: AuthResult, indent: string): string[] {
  const out = [`${indent}credential check: ${a.status.toUpperCase()} (${a.user}@${a.host}:${a.port}, delegation ${a.delegation})`];
  if (a.hostKey) out.push(`${indent}  host key: ${a.hostKey.algorithm} ${a.hostKey.fingerprint} (${a.hostKey.status})`);
  for (const s of a.steps) {
    const mark = s.ok === true ? 'ok  ' : s.ok === false ? 'FAIL' : '--  ';
    out.push(`${indent}  ${mark} ${s.id.padEnd(12)} ${s.summary}${s.reason ? ` [${s.reason}]` : ''}`);
  }
  if (a.listening.length > 0) {
    out.push(`${indent}  listening: ${a.listening.map((l) => `${l.protocol}/${l.port}${l.candidate ? ' (candidate)' : ''}`).join(', ')}`);
  }
  out.push(...adviceBlock(a.advice, indent + '  '));
  return out;
}

function adviceBlock(advice: Advice[], indent: string): string[] {
  if (advice.length === 0) return [];
  return [`${indent}advice:`, ...advice.map((a, i) => `${indent}  ${i + 1}. [${a.severity}] ${a.id}: ${a.title}`)];
}

/** environment.json. */
export interface BundleEnvironment {
  scanready: string | null;
  platform: string;
  release: string;
  arch: string;
  node: string;
  /** Whether this process could open raw sockets; null when unknown. */
  rawSockets: boolean | null;
  /** Whether the probes in the results ran with raw sockets; null without discovery results. */
  privilegedProbes: boolean | null;
  time: string;
  timeZoneOffsetMinutes: number;
  command: string[] | null;
  /** Where the results came from when not from a command run now (a history entry). */
  source?: string;
}

export function formatSummary(input: SummaryInput, env: BundleEnvironment): string {
  const out: string[] = ['ScanReady debug bundle: summary', ''];
  out.push(
    `ScanReady ${env.scanready ?? '(unknown version)'} on ${env.platform} ${env.release}, Node.js ${env.node}; ` +
      `raw sockets: ${env.rawSockets === null ? 'unknown' : env.rawSockets ? 'usable' : 'not usable'}; ${env.time}`,
  );
  if (env.command) out.push(`command: scanready ${env.command.join(' ')}`);
  out.push('');
  for (const d of input.diagnoses) {
    out.push(`== Diagnosis of ${d.target}${d.resolvedFrom ? ` (resolved from ${d.resolvedFrom})` : ''}`);
    out.push(...hostBlock(d.discovery));
    if (d.path) out.push(...pathBlock(d.path));
    if (d.openPorts) out.push(...portsBlock(d.openPorts));
    if (d.auth) out.push(...authBlock(d.auth, '  '));
    if (d.scannerIps && d.scannerIps.length > 0) out.push(`  scanner address(es) in the rules: ${d.scannerIps.join(', ')}`);
    out.push(...adviceBlock(d.advice, '  '));
    for (const n of d.notes ?? []) out.push(`  note: ${n}`);
    out.push('');
  }
  if (input.discoveries.length > 0) {
    const alive = input.discoveries.filter((h) => h.alive).length;
    out.push(`== Discovery: ${input.discoveries.length} host${input.discoveries.length === 1 ? '' : 's'}, ${alive} alive`);
    for (const h of input.discoveries) out.push(...hostBlock(h), '');
  }
  for (const a of input.auth) out.push(`== Credential check of ${a.host}`, ...authBlock(a, ''), '');
  if (input.diagnoses.length + input.discoveries.length + input.auth.length === 0) out.push('(no results)');
  return out.join('\n').trimEnd() + '\n';
}

/** One CSV cell: quoted when needed; text that a spreadsheet would run as a formula is defused. */
function cell(v: string | number | boolean | null): string {
  if (v === null) return '';
  if (typeof v !== 'string') return String(v);
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const PROBE_CSV_HEADER = [
  'target', 'address', 'verdict', 'protocol', 'kind', 'port', 'source_port', 'method', 'result', 'responder',
  'from_target', 'icmp_type', 'icmp_code', 'ttl', 'rtt_ms', 'attempts', 'counts_as_alive', 'detail',
] as const;

export function probesCsv(hosts: HostResult[]): string {
  const lines = [PROBE_CSV_HEADER.join(',')];
  for (const h of hosts) {
    for (const p of h.probes) {
      lines.push(
        [h.target, h.address, h.verdict, p.protocol, p.kind, p.port, p.sourcePort, p.method, p.result, p.responder,
          p.fromTarget, p.icmpType, p.icmpCode, p.ttl, p.rttMs, p.attempts, p.countsAsAlive, p.detail ?? null]
          .map(cell)
          .join(','),
      );
    }
  }
  return lines.join('\r\n') + '\r\n';
}
