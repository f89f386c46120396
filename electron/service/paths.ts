/**
 * Where ScanReady keeps its data: ONE directory for the app, `scanready serve` and every CLI
 * command, so a host key trusted in one is trusted in all. `SCANREADY_USER_DATA` moves it.
 */
import os from 'node:os';
import path from 'node:path';

export const APP_DIR_NAME = 'ScanReady';
/** The environment variable that moves the whole store (history, profiles, settings, known hosts). */
export const USER_DATA_ENV = 'SCANREADY_USER_DATA';
export const KNOWN_HOSTS_FILE_NAME = 'known_hosts.json';

/** `SCANREADY_USER_DATA` overrides (tests, portable installs); else the OS convention Electron uses too. */
export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const override = env[USER_DATA_ENV];
  if (override && override.trim() !== '') return path.resolve(override);
  const home = os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_DIR_NAME);
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_DIR_NAME);
}

/** The one known-hosts store of a user-data directory. */
export function knownHostsFile(userDataDir: string): string {
  return path.join(userDataDir, KNOWN_HOSTS_FILE_NAME);
}

/** The store the CLI uses unless `--known-hosts` says otherwise: the app's and web mode's. */
export function defaultKnownHostsFile(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  return knownHostsFile(defaultUserDataDir(env, platform));
}
