/** Where ScanReady keeps its data: the same directory for the app and `scanready serve`. */
import os from 'node:os';
import path from 'node:path';

export const APP_DIR_NAME = 'ScanReady';

/** `SCANREADY_USER_DATA` overrides (tests, portable installs); else the OS convention Electron uses too. */
export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.SCANREADY_USER_DATA) return path.resolve(env.SCANREADY_USER_DATA);
  const home = os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_DIR_NAME);
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_DIR_NAME);
}
