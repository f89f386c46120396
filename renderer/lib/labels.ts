/**
 * Words for people in place of contract codes: the scanner a profile imitates, the scanner-style
 * "found by" list. Pure functions, no React; the codes themselves stay in JSON and bundles.
 */
import type { DiscoveryProfile } from '../../shared/profiles.js';

export type ScannerKind = DiscoveryProfile['scanner'];

const SCANNER_NAME: Record<ScannerKind, string> = {
  qualys: 'Qualys',
  nmap: 'Nmap',
  nessus: 'Nessus',
  greenbone: 'Greenbone',
  custom: 'the scanner',
};

/** "Qualys", "Nmap", … or "the scanner" for a custom or unknown profile. */
export function scannerName(scanner: ScannerKind | undefined): string {
  return scanner ? SCANNER_NAME[scanner] : 'the scanner';
}

/** One token of a scanner-style method list (`ICMP`, `TCPPort 22`, `UDPPort 161`, `TCP RST`) in words. */
function foundByToken(token: string): string {
  const t = token.trim();
  let m = /^TCPPort (\d+)$/i.exec(t);
  if (m) return `open TCP port ${m[1]}`;
  m = /^UDPPort (\d+)$/i.exec(t);
  if (m) return `UDP reply on port ${m[1]}`;
  switch (t.toLowerCase()) {
    case 'icmp':
      return 'ICMP echo reply';
    case 'icmp timestamp':
      return 'ICMP timestamp reply';
    case 'tcp rst':
      return 'TCP reset (closed port)';
    case 'udp port unreachable':
      return 'ICMP port unreachable (closed UDP port)';
    default:
      return t;
  }
}

/** `ICMP;TCPPort 22;UDPPort 161` → `ICMP echo reply, open TCP port 22, UDP reply on port 161`; '' stays ''. */
export function foundByText(aliveBy: string): string {
  return aliveBy
    .split(';')
    .map((t) => t.trim())
    .filter(Boolean)
    .map(foundByToken)
    .join(', ');
}
