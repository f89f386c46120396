/**
 * The engine surface the service uses, in one place: every signature the service depends on
 * from probes/, ssh/ and diagnosis/ is written here once, so a change in an engine is adapted
 * here and nowhere else. `realEngines()` wires the real modules; tests may pass their own.
 */
import type { AuthRequest, AuthResult, AuthStep, HostKeyInfo } from '../../shared/auth.js';
import type { DiagnosisEvent, DiagnosisResult } from '../../shared/diagnosis.js';
import type { DiscoveryEvent, HostResult, ProbeResult } from '../../shared/discovery.js';
import type { DiscoveryProfile } from '../../shared/profiles.js';
import type { DiagnoseRequestInput, ProbeMode } from '../../shared/requests.js';
import type { ResolvedTarget, TargetPlan } from '../targets/index.js';
import type { PacketTap } from '../net/index.js';

export interface DiscoverEngineOptions {
  profile: DiscoveryProfile;
  mode: ProbeMode;
  ratePps?: number;
  signal: AbortSignal;
  /** Raw mode: every packet sent and received (kept for the run's probes.pcap). */
  onPacket?: PacketTap;
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

export interface DiagnosisEngineOptions extends HostKeyHooks {
  signal: AbortSignal;
  /** Every engine event as it happens (stage, discovery, hop, port, path, open-ports, auth, done). */
  onProgress: (ev: DiagnosisEvent) => void;
  /** Raw mode: every packet sent and received (kept for the run's probes.pcap). */
  onPacket?: PacketTap;
  /** Replaces the discovery step (the elevated helper for "Run privileged probes"). */
  discoverHost?: (target: ResolvedTarget, opts: { profile: DiscoveryProfile; signal?: AbortSignal; ratePps?: number }, onProbe?: (probe: ProbeResult) => void) => Promise<HostResult>;
}

export interface Engines {
  /** `targets` is a lazy plan for sweeps: iterate it, never spread it (a /8 is 16 million hosts). */
  discover(targets: TargetPlan, opts: DiscoverEngineOptions): AsyncIterable<DiscoveryEvent>;
  canUseRawSockets(): boolean;
  runAuthCheck(request: AuthRequest, opts: AuthEngineOptions): Promise<AuthResult>;
  /** Takes the validated request with the effective profile inline. */
  runDiagnosis(request: DiagnoseRequestInput, opts: DiagnosisEngineOptions): Promise<DiagnosisResult>;
}

/** Thrown by an engine that is not built yet / not available in this process. */
export function engineUnavailable(what: string): Error & { code: string } {
  return Object.assign(new Error(`${what} is not available in this build`), { code: 'unavailable' });
}
