/**
 * Every skipped Vitest suite says why (as e2e/skip-reporter.ts does for Playwright): use
 * `describe.skipIf(skipWithReason(cond, reason))(...)`. When `cond` holds, the reason is printed
 * on stderr (Vitest shows it under the file's name) and the suite is skipped.
 */
import { canUseRawSockets } from '../../electron/probes/index.js';

export function skipWithReason(skip: boolean, reason: string): boolean {
  if (skip) console.warn(`[skipped] ${reason}`);
  return skip;
}

export const NO_RAW_SOCKETS_REASON = 'raw sockets are not available to this process (run the tests as root or with CAP_NET_RAW): raw-probe suites skipped';

/** True (and the reason printed) when raw sockets are missing. */
export function skipWithoutRawSockets(): boolean {
  return skipWithReason(!canUseRawSockets(), NO_RAW_SOCKETS_REASON);
}
