/**
 * Connects every store to the bridge: the one place where IPC pushes are subscribed, called
 * once when the app starts (main.tsx). Importing a store subscribes to nothing, so a store test
 * attaches its own store to a fake bridge instead.
 */
import type { ScanReadyApi, Unsubscribe } from '../../shared/ipc.js';
import { attachAuth } from './authStore.js';
import { attachBundle } from './bundleStore.js';
import { attachCredentialsVault } from './credentialsVault.js';
import { attachDiagnosis } from './diagnosisStore.js';
import { attachHistory } from './historyStore.js';
import { attachProfiles } from './profilesStore.js';
import { attachSettings } from './settingsStore.js';
import { attachSweep } from './sweepStore.js';

export function attach(api: ScanReadyApi): Unsubscribe {
  const detach = [attachProfiles, attachSettings, attachHistory, attachDiagnosis, attachAuth, attachSweep, attachCredentialsVault, attachBundle].map((attachOne) => attachOne(api));
  return () => {
    for (const off of detach) off();
  };
}
