/** This machine's source address toward a target (the scanner address used in firewall rules by default). */
import { isIP } from 'node:net';
import { localAddressFor } from '../net/index.js';

/** The probe engine's route lookup (a UDP connect() that sends nothing); null when there is no route. */
export async function sourceAddressFor(target: string): Promise<string | null> {
  if (isIP(target) === 0) return null;
  try {
    return await localAddressFor(target);
  } catch {
    return null;
  }
}
