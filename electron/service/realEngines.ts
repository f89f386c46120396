/**
 * The real engines behind the service (probes/, ssh/, diagnosis/). Adapters only: the
 * signatures the service relies on are in ./engines.ts.
 */
import { runDiagnosis } from '../diagnosis/index.js';
import { canUseRawSockets, discover } from '../probes/index.js';
import { KnownHostsStore, runAuthCheck } from '../ssh/index.js';
import type { Engines } from './engines.js';

export function realEngines(): Engines {
  return {
    discover: (targets, opts) =>
      discover(targets, { profile: opts.profile, mode: opts.mode, signal: opts.signal, ...(opts.ratePps !== undefined ? { ratePps: opts.ratePps } : {}), ...(opts.onPacket ? { onPacket: opts.onPacket } : {}) }),
    canUseRawSockets,
    runAuthCheck: (request, opts) =>
      runAuthCheck(request, {
        signal: opts.signal,
        knownHosts: new KnownHostsStore(opts.knownHostsFile),
        onStep: opts.onStep,
        confirmHostKey: opts.confirmHostKey,
      }),
    runDiagnosis: (request, opts) =>
      runDiagnosis(request, {
        signal: opts.signal,
        onEvent: opts.onProgress,
        knownHosts: new KnownHostsStore(opts.knownHostsFile),
        confirmHostKey: opts.confirmHostKey,
        ...(opts.onPacket ? { onPacket: opts.onPacket } : {}),
        ...(opts.discoverHost ? { discoverHost: opts.discoverHost } : {}),
      }),
  };
}
