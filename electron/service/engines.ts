/**
 * The engine surface the service uses, in one place: every signature the service depends on
 * from probes/, ssh/ and diagnosis/ is written here once, so a change in an engine is adapted
 * here and nowhere else. `realEngines()` wires the real modules; tests may pass their own.
 */
import type { AuthRequest, AuthResult, AuthStep, HostKeyInfo } from '../../shared/auth.js';
import type { DiagnosisResult, OpenPort, PathResult } from '../../shared/diagnosis.js';
import type { DiscoveryEvent } from '../../shared/discovery.js';
import type { DiagnosisStage } from '../../shared/ipc.js';
import type { DiscoveryProfile } from '../../shared/profiles.js';
import type { DiagnoseAuth, ProbeMode } from '../../shared/requests.js';
import type { ResolvedTarget } from '../targets/index.js';

export interface DiscoverEngineOptions {
  profile: DiscoveryProfile;
  mode: ProbeMode;
  ratePps?: number;
  signal: AbortSignal;
}

export interface HostKeyHooks {
  /** Where trusted keys live (the SSH engine's store, in the user-data directory). */
  knownHostsFile: string;
  /** Asked on first contact; resolves false on reject/timeout/cancel. Never asked for a changed key. */
  confirmHostKey: (hostKey: HostKeyInfo) => Promise<boolean>;
}

export interface AuthEngineOptions extends HostKeyHooks {
  signal: AbortSignal;
  onStep: (step: AuthStep) => void;
}

/** Progress of a diagnosis as the service reports it (shared/ipc.ts DiagnosisEvent minus done/error). */
export type DiagnosisProgress =
  | { type: 'stage'; stage: DiagnosisStage; state: 'running' | 'done' | 'skipped'; detail?: string }
  | { type: 'discovery'; event: DiscoveryEvent }
  | { type: 'path'; path: PathResult }
  | { type: 'open-ports'; openPorts: OpenPort[] }
  | { type: 'auth-step'; step: AuthStep };

export interface DiagnosisEngineInput {
  target: ResolvedTarget;
  profile: DiscoveryProfile;
  mode: ProbeMode;
  ratePps?: number;
  scannerIps: string[];
  trace: boolean;
  portFinder: boolean;
  auth?: DiagnoseAuth;
}

export interface DiagnosisEngineOptions extends HostKeyHooks {
  signal: AbortSignal;
  onProgress: (ev: DiagnosisProgress) => void;
  /** Replaces the discovery step's probe source (the elevated helper for "Run privileged probes"). */
  discoverSource?: (signal: AbortSignal) => AsyncIterable<DiscoveryEvent>;
}

export interface Engines {
  discover(targets: ResolvedTarget[], opts: DiscoverEngineOptions): AsyncIterable<DiscoveryEvent>;
  canUseRawSockets(): boolean;
  runAuthCheck(request: AuthRequest, opts: AuthEngineOptions): Promise<AuthResult>;
  runDiagnosis(input: DiagnosisEngineInput, opts: DiagnosisEngineOptions): Promise<DiagnosisResult>;
}

/** Thrown by an engine that is not built yet / not available in this process. */
export function engineUnavailable(what: string): Error & { code: string } {
  return Object.assign(new Error(`${what} is not available in this build`), { code: 'unavailable' });
}
