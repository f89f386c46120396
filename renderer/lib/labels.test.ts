import { describe, expect, it } from 'vitest';
import { formatWhen } from './format.js';
import { foundByText, scannerName } from './labels.js';

describe('labels for people', () => {
  it('reads a scanner-style method list', () => {
    expect(foundByText('ICMP;TCPPort 22;UDPPort 161')).toBe('ICMP echo reply, open TCP port 22, UDP reply on port 161');
    expect(foundByText('TCP RST')).toBe('TCP reset (closed port)');
    expect(foundByText('')).toBe('');
  });
  it('names the scanner of a profile', () => {
    expect(scannerName('qualys')).toBe('Qualys');
    expect(scannerName('custom')).toBe('the scanner');
    expect(scannerName(undefined)).toBe('the scanner');
  });
  it('writes dates ISO-like, never 12/2/2026', () => {
    const local = new Date(2026, 11, 2, 9, 5, 7).toISOString();
    expect(formatWhen(local)).toBe('2026-12-02 09:05:07');
    expect(formatWhen(local, false)).toBe('2026-12-02 09:05');
    expect(formatWhen('not a date')).toBe('not a date');
  });
});
