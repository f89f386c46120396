/**
 * Remembered credential sets ("Remember" in the app). Secrets are stored ONLY as ciphertext made
 * by a SecretVault — in the app, Electron's safeStorage (macOS Keychain, Windows DPAPI,
 * libsecret/kwallet on Linux). Where there is no vault (web mode, the CLI) or the vault cannot
 * protect anything (Linux without a keyring: safeStorage would fall back to a hard-coded key),
 * saving is refused with the reason; nothing is ever written in plain text.
 *
 * File: <userData>/credentials.json, 0600, atomic writes; one entry per user@host:port holding
 * the vault's ciphertext (base64) of a JSON object with the secrets. No secret in the key.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { SavedSecrets, SecretStorageStatus } from '../../shared/ipc.js';
import { readJsonFile, SerialQueue, writeJsonAtomic } from './atomic.js';
import { ServiceError } from './errors.js';

/** The OS's encryption, as Electron's safeStorage offers it (electron/app/secretVault.ts). */
export interface SecretVault {
  status(): SecretStorageStatus;
  encrypt(plain: string): Buffer;
  decrypt(cipher: Buffer): string;
}

export const NO_VAULT_REASON: Record<'web' | 'electron', string> = {
  web: 'Web mode cannot keep secrets safely (no OS keychain behind a browser): nothing is saved. Use the desktop app to remember credentials.',
  electron: 'This app has no secure storage available: nothing is saved.',
};

interface Key {
  host: string;
  port: number;
  user: string;
}

/** An opaque id for user@host:port (so the file does not even list who is remembered where in clear). */
function entryId(k: Key): string {
  return createHash('sha256').update(JSON.stringify([k.host.toLowerCase(), k.port, k.user])).digest('hex');
}

export class CredentialStore {
  private readonly file: string;
  private readonly queue = new SerialQueue();

  constructor(
    userDataDir: string,
    private readonly vault: SecretVault | null,
    private readonly mode: 'web' | 'electron',
  ) {
    this.file = path.join(userDataDir, 'credentials.json');
  }

  status(): SecretStorageStatus {
    if (!this.vault) return { available: false, reason: NO_VAULT_REASON[this.mode] };
    return this.vault.status();
  }

  private requireVault(): SecretVault {
    const s = this.status();
    if (!s.available || !this.vault) throw new ServiceError('unavailable', `Not saved: ${s.reason ?? 'no secure storage'}`);
    return this.vault;
  }

  private async read(): Promise<Record<string, string>> {
    const r = await readJsonFile(this.file);
    if (r.state !== 'ok' || typeof r.value !== 'object' || r.value === null) return {};
    const entries = (r.value as { entries?: unknown }).entries;
    if (typeof entries !== 'object' || entries === null) return {};
    return Object.fromEntries(Object.entries(entries).filter((e): e is [string, string] => typeof e[1] === 'string'));
  }

  async save(k: Key, secrets: SavedSecrets): Promise<void> {
    const vault = this.requireVault();
    const only: SavedSecrets = {};
    for (const f of ['password', 'privateKey', 'passphrase', 'delegationPassword'] as const) {
      const v = secrets[f];
      if (v !== undefined && v !== '') only[f] = v;
    }
    if (Object.keys(only).length === 0) throw new ServiceError('bad-input', 'Nothing to remember: no password, key or passphrase was given.');
    const cipher = vault.encrypt(JSON.stringify(only)).toString('base64');
    await this.queue.run(async () => {
      const entries = await this.read();
      entries[entryId(k)] = cipher;
      await writeJsonAtomic(this.file, { version: 1, entries });
    });
  }

  async load(k: Key): Promise<SavedSecrets | null> {
    const vault = this.requireVault();
    const cipher = (await this.read())[entryId(k)];
    if (cipher === undefined) return null;
    try {
      return JSON.parse(vault.decrypt(Buffer.from(cipher, 'base64'))) as SavedSecrets;
    } catch {
      throw new ServiceError('unavailable', 'The remembered secrets cannot be decrypted here (another user or machine, or the keyring changed): enter them again.');
    }
  }

  async forget(k: Key): Promise<boolean> {
    return this.queue.run(async () => {
      const entries = await this.read();
      const id = entryId(k);
      if (!(id in entries)) return false;
      delete entries[id];
      await writeJsonAtomic(this.file, { version: 1, entries });
      return true;
    });
  }
}
