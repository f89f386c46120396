/**
 * The handshake step's parsers of what a server sends first: its SSH identification line, or
 * the greeting of whatever else listens there. Used while connecting (client.ts) and by the step.
 */
import { cleanText, clip, decodeOutput } from '../text.js';

/** The most bytes of a server's first answer that are looked at. */
export const BANNER_BYTES = 512;

/**
 * The server's identification line (`SSH-2.0-OpenSSH_9.6 Ubuntu-3`), cleaned, from the first
 * bytes it sent; null when there is none. RFC 4253 lets a server print other lines first.
 */
export function parseBanner(bytes: Buffer): string | null {
  const text = bytes.subarray(0, BANNER_BYTES).toString('latin1');
  const m = /(?:^|\n)(SSH-[^\r\n]{1,250})\r?\n/.exec(text);
  return m?.[1] ? cleanText(m[1]) : null;
}

/** Names the service behind a port from the first bytes it sent (after our SSH identification). */
export function identifyService(bytes: Buffer): { service: string; evidence: string } {
  const head = bytes.subarray(0, BANNER_BYTES);
  const text = head.toString('latin1');
  const evidence = clip(decodeOutput(head).split('\n').slice(0, 3).join(' | '), 200);
  const b0 = head[0];
  if (/^HTTP\/\d/.test(text) || /^<(!doctype|html)/i.test(text)) return { service: 'HTTP', evidence };
  if (b0 === 0x15 || b0 === 0x16) return { service: 'TLS', evidence: `TLS record type 0x${b0.toString(16)}` };
  if (/^220[ -].*FTP/i.test(text)) return { service: 'FTP', evidence };
  if (/^220[ -]/.test(text)) return { service: /SMTP|mail|Postfix|Exim|Sendmail/i.test(text) ? 'SMTP' : 'SMTP or FTP', evidence };
  if (/^\+OK/.test(text)) return { service: 'POP3', evidence };
  if (/^\* OK/.test(text)) return { service: 'IMAP', evidence };
  if (/^RFB \d/.test(text)) return { service: 'VNC', evidence };
  if (/^SSH-1\.(?!99)/.test(text)) return { service: 'SSH protocol 1 only', evidence };
  return { service: 'an unknown non-SSH service', evidence };
}
