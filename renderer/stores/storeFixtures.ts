/** Small, valid contract objects for the store tests (what the engine would push). */
import type { AuthResult, AuthStep, HostKeyInfo } from '../../shared/auth.js';
import type { DiagnosisResult } from '../../shared/diagnosis.js';
import type { HostResult, ProbeResult } from '../../shared/discovery.js';
import type { HostKeyPrompt } from '../../shared/ipc.js';

export function probe(port: number, countsAsAlive = false): ProbeResult {
  return {
    protocol: 'tcp',
    kind: 'syn',
    port,
    sourcePort: null,
    method: 'raw',
    result: countsAsAlive ? 'syn-ack' : 'no-response',
    responder: countsAsAlive ? '198.18.1.10' : null,
    fromTarget: countsAsAlive,
    icmpType: null,
    icmpCode: null,
    ttl: null,
    rttMs: countsAsAlive ? 1.2 : null,
    attempts: 1,
    countsAsAlive,
  };
}

export function host(address: string, alive: boolean, probes: ProbeResult[] = [probe(22, alive)]): HostResult {
  return {
    target: address,
    address,
    family: 4,
    alive,
    verdict: alive ? 'alive' : 'not-alive',
    reason: alive ? 'alive: SYN-ACK from TCP 22' : 'nothing answered',
    aliveBy: alive ? 'TCPPort 22' : '',
    privileged: true,
    profile: 'qualys-default',
    probes,
    warnings: [],
    startedAt: '2026-12-02T12:00:00.000Z',
    durationMs: 40,
  };
}

export const NEW_KEY: HostKeyInfo = { algorithm: 'ssh-ed25519', fingerprint: 'SHA256:newkeynewkeynewkey', status: 'new' };

/** The credential engine's live step when the host key no longer matches the known one. */
export const CHANGED_KEY_STEP: AuthStep = {
  id: 'host-key',
  ok: false,
  ms: 3,
  reason: 'host-key-changed',
  summary: 'HOST KEY CHANGED: ssh-ed25519 SHA256:attackerattacker, expected SHA256:knownknownknown',
  data: { algorithm: 'ssh-ed25519', fingerprint: 'SHA256:attackerattacker', status: 'changed', knownFingerprint: 'SHA256:knownknownknown' },
};

export const REACH_STEP: AuthStep = { id: 'reach', ok: true, ms: 2, summary: 'TCP 22 answers' };

export function authResult(hostName: string, steps: AuthStep[], hostKey: HostKeyInfo | null): AuthResult {
  return {
    host: hostName,
    port: 22,
    user: 'scan',
    delegation: 'sudo-su',
    status: hostKey?.status === 'changed' ? 'failed' : 'passed',
    steps,
    hostKey,
    listening: [],
    advice: [],
    startedAt: '2026-12-02T12:00:00.000Z',
    durationMs: 900,
  };
}

export function diagnosisResult(target: string, auth: AuthResult | null = null): DiagnosisResult {
  return { target, discovery: host(target, true), path: null, openPorts: null, auth, advice: [] };
}

export function prompt(runId: string, promptId: string): HostKeyPrompt {
  return { runId, promptId, host: '198.18.1.10', port: 22, hostKey: NEW_KEY, timeoutMs: 60_000, expiresAt: '2026-12-02T12:01:00.000Z' };
}
