/**
 * The app's SecretVault: Electron safeStorage (macOS Keychain, Windows DPAPI, Linux libsecret or
 * kwallet). On Linux without a keyring safeStorage falls back to "basic_text" — a key hard-coded
 * in Chromium, i.e. obfuscation, not protection — and then "Remember" is refused, as it is in web
 * mode and the CLI (electron/service/credentials.ts).
 */
import type { SafeStorage } from 'electron';
import type { SecretStorageStatus } from '../../shared/ipc.js';
import type { SecretVault } from '../service/credentials.js';

export function safeStorageVault(safeStorage: SafeStorage, platform: NodeJS.Platform = process.platform): SecretVault {
  return {
    status(): SecretStorageStatus {
      if (!safeStorage.isEncryptionAvailable()) {
        return { available: false, reason: 'The operating system offers no secure storage to this app (no keychain or keyring available): nothing is saved.' };
      }
      if (platform === 'linux') {
        const backend = safeStorage.getSelectedStorageBackend();
        if (backend === 'basic_text' || backend === 'unknown') {
          return {
            available: false,
            reason: 'No desktop keyring (GNOME Keyring / KWallet) is running, so secrets could only be obfuscated, not encrypted: nothing is saved.',
          };
        }
      }
      return { available: true };
    },
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (cipher) => safeStorage.decryptString(cipher),
  };
}
