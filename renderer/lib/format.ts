/**
 * Display helpers: plain-words labels for contract values. Pure functions, no React.
 */
import type { ProbeMethod, ProbeResult } from '../../shared/discovery.js';
import type { DelegationMethod } from '../../shared/auth.js';

/** Colour class of a matrix cell: `ok` proof of life, `bad` rejected/unreachable, `none` silence, `priv` not sent. */
export type CellTone = 'ok' | 'bad' | 'warn' | 'none' | 'priv' | 'pending';

export function probeTone(p: ProbeResult): CellTone {
  if (p.result === 'needs-privilege') return 'priv';
  if (p.countsAsAlive) return 'ok';
  switch (p.result) {
    case 'icmp-admin-prohibited':
    case 'icmp-unreachable':
    case 'icmp-time-exceeded':
      return 'bad';
    case 'error':
    case 'cancelled':
      return 'warn';
    case 'no-response':
      return 'none';
    default:
      // An alive-type answer that does not count (e.g. it came from another address).
      return 'warn';
  }
}

export const METHOD_LABEL: Record<ProbeMethod, string> = {
  raw: 'raw socket',
  connect: 'TCP connect() fallback',
  'udp-socket': 'UDP socket',
  'ping-socket': 'unprivileged ping socket',
  'system-ping': 'system ping',
  none: 'not sent',
};

/** True when the probe did not use the packet a real scanner sends. */
export function isFallback(p: ProbeResult): boolean {
  if (p.method === 'none' || p.method === 'raw') return false;
  // An ordinary UDP socket sends the same datagram a scanner would.
  if (p.method === 'udp-socket') return false;
  return true;
}

/** "TCP SYN 22", "TCP ACK 2869→80", "UDP 53", "ICMP echo": the one formatter, in shared/. */
export { probeLabel } from '../../shared/discovery.js';

export { probeKey } from '../../shared/discovery.js';
/** Words for people (outcomes, verdicts, credential statuses and steps): one place, shared/labels.ts. */
export { AUTH_STATUS_LABEL, OUTCOME_LABEL, STEP_LABEL, VERDICT_LABEL } from '../../shared/labels.js';

/** A probe the profile will send, before its result is known. */
export type PlannedProbe = Pick<ProbeResult, 'protocol' | 'kind' | 'port' | 'sourcePort'>;

/** The probes a profile sends, in the order the matrix shows them. */
export function plannedProbes(profile: {
  tcpSyn: readonly number[];
  tcpAck: readonly { sourcePort: number; port: number }[];
  tcpSynAck: readonly { sourcePort: number; port: number }[];
  udp: readonly number[];
  icmpEcho: boolean;
  icmpTimestamp: boolean;
}): PlannedProbe[] {
  const out: PlannedProbe[] = [];
  if (profile.icmpEcho) out.push({ protocol: 'icmp', kind: 'echo', port: null, sourcePort: null });
  if (profile.icmpTimestamp) out.push({ protocol: 'icmp', kind: 'timestamp', port: null, sourcePort: null });
  for (const port of profile.tcpSyn) out.push({ protocol: 'tcp', kind: 'syn', port, sourcePort: null });
  for (const a of profile.tcpAck) out.push({ protocol: 'tcp', kind: 'ack', port: a.port, sourcePort: a.sourcePort });
  for (const a of profile.tcpSynAck) out.push({ protocol: 'tcp', kind: 'syn-ack', port: a.port, sourcePort: a.sourcePort });
  for (const port of profile.udp) out.push({ protocol: 'udp', kind: 'udp', port, sourcePort: null });
  return out;
}

export const DELEGATION_LABEL: Record<DelegationMethod, string> = {
  'sudo-su': 'sudo su - (scanner default)',
  sudo: 'sudo',
  su: 'su',
  pbrun: 'pbrun (PowerBroker)',
  dzdo: 'dzdo (Centrify)',
  doas: 'doas',
  none: 'none (log in as root)',
  custom: 'custom command',
};

export function formatMs(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '—';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

export function formatEta(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return 'estimating…';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s left`;
  return `${Math.floor(s / 60)} min ${s % 60} s left`;
}

/** `2026-12-02 14:05:09` in the local time zone: the same in every locale, sortable, never 12/2 vs 2/12. */
export function formatWhen(iso: string, seconds = true): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  const hm = `${p(d.getHours())}:${p(d.getMinutes())}${seconds ? `:${p(d.getSeconds())}` : ''}`;
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${hm}`;
}

/**
 * Turns any error into one plain sentence: no stack traces, no "Error:" prefixes.
 * Known codes get a friendlier wording.
 */
export function plainError(err: unknown): string {
  let code: string | undefined;
  let message: string | undefined;
  if (typeof err === 'string') message = err;
  else if (err && typeof err === 'object') {
    const o = err as { code?: unknown; message?: unknown };
    if (typeof o.code === 'string') code = o.code;
    if (typeof o.message === 'string') message = o.message;
  }
  const known: Record<string, string> = {
    'bad-input': 'That input is not valid.',
    cancelled: 'Cancelled.',
    unauthorized: 'The session with the ScanReady service expired. Reload the page from the address the service printed.',
    'not-found': 'Not found.',
    network: 'Lost the connection to the ScanReady service.',
  };
  let text = message?.trim() || (code ? known[code] : undefined) || 'Something went wrong.';
  // Keep the first line only, strip "Error: " style prefixes and any stack frames.
  text = text.split('\n')[0] ?? text;
  text = text.replace(/^(?:[A-Z][A-Za-z]*Error|Error):\s*/, '');
  if (text.length > 400) text = `${text.slice(0, 400)}…`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "23 probes: 13 TCP SYN, 2 TCP ACK, 1 TCP SYN-ACK, 6 UDP, ICMP echo". */
export function profileSummary(p: {
  tcpSyn: readonly number[];
  tcpAck: readonly unknown[];
  tcpSynAck: readonly unknown[];
  udp: readonly number[];
  icmpEcho: boolean;
  icmpTimestamp: boolean;
}): string {
  const parts: string[] = [];
  if (p.tcpSyn.length) parts.push(`${p.tcpSyn.length} TCP SYN`);
  if (p.tcpAck.length) parts.push(`${p.tcpAck.length} TCP ACK`);
  if (p.tcpSynAck.length) parts.push(`${p.tcpSynAck.length} TCP SYN-ACK`);
  if (p.udp.length) parts.push(`${p.udp.length} UDP`);
  if (p.icmpEcho) parts.push('ICMP echo');
  if (p.icmpTimestamp) parts.push('ICMP timestamp');
  const n = p.tcpSyn.length + p.tcpAck.length + p.tcpSynAck.length + p.udp.length + Number(p.icmpEcho) + Number(p.icmpTimestamp);
  return `${n} probe${n === 1 ? '' : 's'}: ${parts.join(', ') || 'none'}`;
}
