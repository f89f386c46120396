/**
 * "Remember" for credential sets: the three calls the credential form needs, on the bridge the
 * app attached (attach.ts). No state here: the secrets stay in the form's component, and the
 * service keeps them only through the OS vault (or refuses; see electron/service/credentials.ts).
 */
import type { CredentialKeyRequest, SaveCredentialRequest, ScanReadyApi, Unsubscribe } from '../../shared/ipc.js';
import { bridgeSlot } from '../bridge.js';

const bridge = bridgeSlot();

export function attachCredentialsVault(api: ScanReadyApi): Unsubscribe {
  bridge.set(api);
  return () => bridge.set(null);
}

export const credentialsVault = {
  status: () => bridge.get().credentials.status(),
  save: (request: SaveCredentialRequest) => bridge.get().credentials.save(request),
  load: (request: CredentialKeyRequest) => bridge.get().credentials.load(request),
};
