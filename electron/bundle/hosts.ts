/**
 * --redact-hosts: host names and addresses (targets, resolved addresses, responders, hops,
 * scanner addresses, SSH hosts) replaced with stable placeholders — `host-1` for targets,
 * `hop-2` for every other address — the same in every file of a bundle. In probes.pcap the
 * addresses must stay addresses: host-N becomes 192.0.2.N and hop-N 198.51.100.N (RFC 5737
 * documentation ranges; IPv6: 2001:db8::N and 2001:db8:1::N).
 */
import type { AuthResult } from '../../shared/auth.js';
import type { DiagnosisResult } from '../../shared/diagnosis.js';
import type { HostResult } from '../../shared/discovery.js';

export interface HostMap {
  /** Original → placeholder, longest originals first. */
  names: Map<string, string>;
  /** An address as it appears in a packet → a documentation address. */
  packetAddress(ip: string): string;
  /** Replaces every known host in a string (whole tokens only: 10.0.0.1 never hits 10.0.0.10). */
  text(s: string): string;
  value<T>(v: T): T;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function hostMap(input: { diagnoses: DiagnosisResult[]; discoveries: HostResult[]; auth: AuthResult[] }): HostMap {
  const targets: string[] = [];
  const others: string[] = [];
  const add = (list: string[], v: string | null | undefined): void => {
    if (typeof v === 'string' && v.trim() !== '' && v !== '0.0.0.0' && v !== '::' && v !== '*') list.push(v);
  };
  const host = (h: HostResult): void => {
    add(targets, h.target);
    add(targets, h.address);
    for (const p of h.probes) add(others, p.responder);
  };
  for (const d of input.diagnoses) {
    add(targets, d.target);
    add(targets, d.resolvedFrom);
    host(d.discovery);
    for (const hop of d.path?.hops ?? []) add(others, hop.responder);
    for (const ip of d.scannerIps ?? []) add(others, ip);
    if (d.auth) add(targets, d.auth.host);
  }
  for (const h of input.discoveries) host(h);
  for (const a of input.auth) add(targets, a.host);

  const names = new Map<string, string>();
  const numbers = new Map<string, { kind: 'host' | 'hop'; n: number }>();
  let hostN = 0;
  let hopN = 0;
  for (const t of targets) if (!names.has(t)) {
    names.set(t, `host-${++hostN}`);
    numbers.set(t, { kind: 'host', n: hostN });
  }
  for (const o of others) if (!names.has(o)) {
    names.set(o, `hop-${++hopN}`);
    numbers.set(o, { kind: 'hop', n: hopN });
  }
  // A target and its address are one host: give the address the target's placeholder number too.
  const ordered = [...names.keys()].sort((a, b) => b.length - a.length);
  // An IPv6 address must not be followed by `:` (it would be the start of a longer one); an IPv4
  // address or a name may (`198.18.1.20:22` in `ss` output is the host).
  const alt = (list: string[], after: string): string | null => (list.length > 0 ? `(?:${list.map(escapeRe).join('|')})${after}` : null);
  const alts = [
    alt(ordered.filter((n) => n.includes(':')), '(?![A-Za-z0-9_:-]|\\.[A-Za-z0-9])'),
    alt(ordered.filter((n) => !n.includes(':')), '(?![A-Za-z0-9_-]|\\.[A-Za-z0-9])'),
  ].filter((a): a is string => a !== null);
  const re = alts.length > 0 ? new RegExp(`(?<![A-Za-z0-9_.:-])(?:${alts.join('|')})`, 'g') : null;
  const text = (s: string): string => (re ? s.replace(re, (m) => names.get(m) ?? m) : s);
  const value = <T>(v: T): T => {
    const walk = (x: unknown): unknown => {
      if (typeof x === 'string') return text(x);
      if (Array.isArray(x)) return x.map(walk);
      if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, walk(y)]));
      return x;
    };
    return walk(v) as T;
  };
  const fallback = { host: 200, hop: 200 };
  const packetAddress = (ip: string): string => {
    const v6 = ip.includes(':');
    const known = numbers.get(ip);
    const kind = known?.kind ?? 'hop';
    const n = known?.n ?? ++fallback[kind];
    if (v6) return kind === 'host' ? `2001:db8::${n.toString(16)}` : `2001:db8:1::${n.toString(16)}`;
    return kind === 'host' ? `192.0.2.${n % 255}` : `198.51.100.${n % 255}`;
  };
  return { names, packetAddress, text, value };
}
