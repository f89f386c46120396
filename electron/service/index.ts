/**
 * The service's public face: `createService({ userDataDir, ... })` with the real engines.
 * Electron main and the web server both use this; nothing here imports electron.
 */
import { createServiceCore, type Service, type ServiceOptions } from './core.js';
import { realEngines } from './realEngines.js';

export type { Service, ServiceOptions, PushListener } from './core.js';
export { INVOKE_SCHEMAS, expandTargetEntries, applyOverrides } from './core.js';
export type { CliInvocation } from './elevate.js';
export { defaultKnownHostsFile, defaultUserDataDir, knownHostsFile, USER_DATA_ENV } from './paths.js';

export function createService(options: Omit<ServiceOptions, 'engines'> & Partial<Pick<ServiceOptions, 'engines'>>): Service {
  return createServiceCore({ ...options, engines: options.engines ?? realEngines() });
}
