/**
 * Private keys: OpenSSH, PEM (PKCS#1 / SEC1) and PKCS#8 (plain or encrypted). ssh2 does not
 * read PKCS#8, so those are converted in memory with node:crypto (never written to disk).
 */
import { createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import ssh2, { type ParsedKey } from 'ssh2';
import { SshError } from './errors.js';

export type KeyFormat = 'openssh' | 'pem' | 'pkcs8' | 'ppk' | 'unknown';

/** The armour label of OpenSSH's own key format (`-----BEGIN <label>-----`). */
const OPENSSH_LABEL = 'OPENSSH PRIVATE KEY';

export function keyFormat(text: string): KeyFormat {
  if (text.includes(`-----BEGIN ${OPENSSH_LABEL}-----`)) return 'openssh';
  if (/-----BEGIN (ENCRYPTED )?PRIVATE KEY-----/.test(text)) return 'pkcs8';
  if (/-----BEGIN (RSA|DSA|EC) PRIVATE KEY-----/.test(text)) return 'pem';
  if (/^PuTTY-User-Key-File-/m.test(text)) return 'ppk';
  return 'unknown';
}

export interface LoadedKey {
  parsed: ParsedKey;
  format: KeyFormat;
  type: string;
  encrypted: boolean;
}

function sshString(b: Buffer | string): Buffer {
  const data = typeof b === 'string' ? Buffer.from(b) : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  return Buffer.concat([len, data]);
}

/** Builds an unencrypted openssh-key-v1 PEM for an Ed25519 key (ssh2 reads Ed25519 only in this format). */
function ed25519ToOpenSsh(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  if (!jwk.d || !jwk.x) throw new SshError('key-unreadable', 'Ed25519 key without private part');
  const seed = Buffer.from(jwk.d, 'base64url');
  const pub = Buffer.from(jwk.x, 'base64url');
  const pubBlob = Buffer.concat([sshString('ssh-ed25519'), sshString(pub)]);
  const check = randomBytes(4);
  let priv = Buffer.concat([check, check, sshString('ssh-ed25519'), sshString(pub), sshString(Buffer.concat([seed, pub])), sshString('')]);
  const pad: number[] = [];
  for (let i = 1; (priv.length + pad.length) % 8 !== 0; i++) pad.push(i);
  priv = Buffer.concat([priv, Buffer.from(pad)]);
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    Buffer.from([0, 0, 0, 1]),
    sshString(pubBlob),
    sshString(priv),
  ]);
  const b64 = body.toString('base64').replace(/.{1,70}/g, '$&\n');
  return `-----BEGIN ${OPENSSH_LABEL}-----\n${b64}-----END ${OPENSSH_LABEL}-----\n`;
}

function pkcs8ToSsh2(text: string, passphrase: string | undefined): string {
  if (passphrase === undefined && text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----')) {
    throw new SshError('passphrase-required', 'the private key is encrypted: a passphrase is needed');
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: text, format: 'pem', ...(passphrase !== undefined ? { passphrase } : {}) });
  } catch (e) {
    const msg = (e as Error).message;
    if (/encrypted|passphrase/i.test(msg) && passphrase === undefined) {
      throw new SshError('passphrase-required', 'the private key is encrypted: a passphrase is needed');
    }
    if (/decrypt|bad decrypt|passphrase/i.test(msg)) throw new SshError('wrong-passphrase', 'the passphrase does not decrypt the private key');
    throw new SshError('key-unreadable', 'the PKCS#8 private key cannot be read');
  }
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return key.export({ type: 'pkcs1', format: 'pem' }) as string;
    case 'ec':
      return key.export({ type: 'sec1', format: 'pem' }) as string;
    case 'ed25519':
      return ed25519ToOpenSsh(key);
    default:
      throw new SshError('key-unsupported', `PKCS#8 keys of type ${key.asymmetricKeyType ?? 'unknown'} are not supported`);
  }
}

/** Parses a private key for ssh2. Errors carry `passphrase-required`, `wrong-passphrase`, `key-unreadable` or `key-unsupported`. */
export function loadPrivateKey(text: string | Buffer, passphrase?: string): LoadedKey {
  const str = typeof text === 'string' ? text : text.toString('utf8');
  const format = keyFormat(str);
  const encrypted = /ENCRYPTED|Proc-Type: 4,ENCRYPTED|aes\d+-ctr|bcrypt/.test(str) || /^Encryption: (?!none)/m.test(str);
  const source = format === 'pkcs8' ? pkcs8ToSsh2(str.trim(), passphrase) : str;
  // ssh2's types say ParsedKey | Error; at runtime a multi-key file gives an array.
  const res = ssh2.utils.parseKey(source, format === 'pkcs8' ? undefined : passphrase) as ParsedKey | Error | ParsedKey[];
  const first: ParsedKey | Error | undefined = Array.isArray(res) ? res[0] : res;
  if (first === undefined || first instanceof Error) {
    const msg = first instanceof Error ? first.message : 'no key found';
    if (/no passphrase|encrypted/i.test(msg) && !passphrase) throw new SshError('passphrase-required', 'the private key is encrypted: a passphrase is needed');
    if (/passphrase|decrypt|integrity|bad/i.test(msg) && passphrase) throw new SshError('wrong-passphrase', 'the passphrase does not decrypt the private key');
    throw new SshError(format === 'unknown' ? 'key-unsupported' : 'key-unreadable', `the private key cannot be read (${format} format): ${msg}`);
  }
  if (first.isPrivateKey() !== true) throw new SshError('key-unreadable', 'this is a public key, not a private key');
  return { parsed: first, format, type: first.type, encrypted };
}
