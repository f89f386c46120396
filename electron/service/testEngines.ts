/**
 * Engines for service tests that exercise the service itself (validation, persistence,
 * prompts): every engine call fails as "unavailable" unless a test supplies it.
 * Real-engine runs are tested in service.lab.test.ts.
 */
import type { Engines } from './engines.js';
import { engineUnavailable } from './engines.js';

export function unavailableEngines(overrides: Partial<Engines> = {}): Engines {
  return {
    discover: () => {
      throw engineUnavailable('the discovery engine');
    },
    canUseRawSockets: () => false,
    runAuthCheck: () => Promise.reject(engineUnavailable('the credential check')),
    runDiagnosis: () => Promise.reject(engineUnavailable('the diagnosis engine')),
    ...overrides,
  };
}
