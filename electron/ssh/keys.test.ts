import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keyFormat, loadPrivateKey } from './keys.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sr-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PASS = 'correct horse';

function keygen(name: string, args: string[]): string {
  const f = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-f', f, ...args]);
  return readFileSync(f, 'utf8');
}

describe('loadPrivateKey', () => {
  const cases: [string, () => string, string, string][] = [
    ['OpenSSH ed25519 with passphrase', () => keygen('ed', ['-t', 'ed25519', '-N', PASS]), 'openssh', 'ssh-ed25519'],
    ['PEM RSA with passphrase', () => keygen('rsapem', ['-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', PASS]), 'pem', 'ssh-rsa'],
    ['PKCS#8 RSA with passphrase', () => keygen('rsap8', ['-t', 'rsa', '-b', '2048', '-m', 'PKCS8', '-N', PASS]), 'pkcs8', 'ssh-rsa'],
    ['PKCS#8 ECDSA with passphrase', () => keygen('ecp8', ['-t', 'ecdsa', '-m', 'PKCS8', '-N', PASS]), 'pkcs8', 'ecdsa-sha2-nistp256'],
    [
      'PKCS#8 Ed25519 (encrypted, node-generated)',
      () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASS }) as string,
      'pkcs8',
      'ssh-ed25519',
    ],
  ];
  it.each(cases)('%s: needs, rejects and accepts the passphrase', (_name, make, format, type) => {
    const text = make();
    expect(keyFormat(text)).toBe(format);
    expect(() => loadPrivateKey(text)).toThrow(expect.objectContaining({ code: 'passphrase-required' }) as Error);
    expect(() => loadPrivateKey(text, 'wrong passphrase')).toThrow(expect.objectContaining({ code: 'wrong-passphrase' }) as Error);
    const k = loadPrivateKey(text, PASS);
    expect(k.type).toBe(type);
    expect(k.parsed.getPublicSSH().length).toBeGreaterThan(30);
    // The converted key signs like the original (ssh2 would use it to log in).
    const sig = k.parsed.sign(Buffer.from('data'));
    expect(sig instanceof Buffer).toBe(true);
  });
  it('garbage and public keys are refused with a code', () => {
    expect(() => loadPrivateKey('hello')).toThrow(expect.objectContaining({ code: 'key-unsupported' }) as Error);
    const pub = readFileSync(path.join(dir, 'ed.pub'), 'utf8');
    expect(() => loadPrivateKey(pub)).toThrow(expect.objectContaining({ code: expect.stringMatching(/key-/) as string }) as Error);
  });
});
