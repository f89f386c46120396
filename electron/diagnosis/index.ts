/**
 * Diagnosis — the public face of electron/diagnosis. One shot per host:
 * discovery → (not alive) path trace + port finder → (credentials given) credential check → advice.
 * Plain Node (CLI, app main process, web mode); never imports electron.
 */
import { performance } from 'node:perf_hooks';
import type { AuthResult, HostKeyInfo } from '../../shared/auth.js';
import type { DiagnosisEvent, DiagnosisResult, OpenPort, PathResult, PortFinderSummary } from '../../shared/diagnosis.js';
import type { HostResult, ProbeResult } from '../../shared/discovery.js';
import { builtinProfile, type DiscoveryProfile } from '../../shared/profiles.js';
import { isCredentialAdvice } from '../../shared/advice.js';
import { describeZodError, diagnoseRequestSchema, type DiagnoseRequest, type DiagnoseRequestInput } from '../../shared/requests.js';
import { buildAdvice } from '../advice/index.js';
import { canUseRawSockets, discoverHost, type DiscoverOptions, type ResolvedTarget } from '../probes/index.js';
import { runAuthCheck as defaultRunAuthCheck } from '../ssh/authCheck.js';
import type { KnownHostsStore } from '../ssh/knownHosts.js';
import type { PacketTap } from '../net/index.js';
import { parseTargets } from '../targets/index.js';
import { chooseTraceProbe, tracePath, type TraceOptions } from './path.js';
import { findOpenPorts, type PortFinderOptions } from './portFinder.js';
import { sourceAddressFor } from './sourceAddress.js';

export { tracePath, chooseTraceProbe, parseTraceroute, parseTracepath, type TraceOptions, type TraceProbe } from './path.js';
export { findOpenPorts, topTcpPorts, COMMON_UDP_PORTS, type PortFinderOptions, type PortFinderResult } from './portFinder.js';
export { sourceAddressFor } from './sourceAddress.js';
export { TOP_TCP_PORTS } from './topPorts.js';

export interface DiagnosisOptions {
  signal?: AbortSignal;
  onEvent?: (e: DiagnosisEvent) => void;
  /** Resolves a profile name that is not built in (saved custom profiles). */
  resolveProfile?: (name: string) => DiscoveryProfile | undefined | Promise<DiscoveryProfile | undefined>;
  /** Required when the request has credentials. */
  knownHosts?: KnownHostsStore;
  confirmHostKey?: (k: HostKeyInfo) => Promise<boolean>;
  /** Top-N TCP ports for the port finder (default 1000). */
  topPorts?: number;
  /** Extra port-finder settings (rate, concurrency, UDP ports, deadline). */
  portFinder?: Omit<PortFinderOptions, 'signal' | 'onPort' | 'privileged'>;
  /** Packet tap on every raw transport of the run (discovery, path, port finder): for a pcap. */
  onPacket?: PacketTap;
  /** Extra trace settings (maxHops, silentHops, timeout). */
  trace?: Omit<TraceOptions, 'signal' | 'onHop' | 'privileged'>;
  /** Runs the credential check (injectable for tests; default electron/ssh runAuthCheck). */
  runAuthCheck?: typeof defaultRunAuthCheck;
  /** Runs the discovery step (default probes' discoverHost); the app passes the elevated helper for "Run privileged probes". */
  discoverHost?: (target: ResolvedTarget, opts: DiscoverOptions, onProbe: (probe: ProbeResult) => void) => Promise<HostResult>;
}

function badInput(message: string): Error {
  return Object.assign(new Error(message), { code: 'bad-input' });
}

/** Applies the request's overrides to the chosen profile. */
async function effectiveProfile(req: DiagnoseRequest, opts: DiagnosisOptions): Promise<DiscoveryProfile> {
  let base: DiscoveryProfile | undefined;
  if (typeof req.profile === 'string') {
    base = builtinProfile(req.profile) ?? (await opts.resolveProfile?.(req.profile));
    if (!base) throw badInput(`unknown profile "${req.profile}"`);
  } else base = req.profile;
  const p: DiscoveryProfile = { ...base, tcpSyn: [...base.tcpSyn], udp: [...base.udp] };
  const o = req.overrides;
  if (o.tcp) p.tcpSyn = o.tcp;
  if (o.udp) p.udp = o.udp;
  if (o.icmp === false) p.icmpEcho = false;
  if (o.timeoutMs !== undefined) p.timeoutMs = o.timeoutMs;
  if (o.retries !== undefined) p.retries = o.retries;
  return p;
}

/** A HostResult for a target that could not even be resolved (advice: check-address). */
function unresolvedHost(target: string, profile: string, message: string): HostResult {
  return {
    target,
    address: '',
    family: 4,
    alive: false,
    verdict: 'not-alive',
    reason: message,
    aliveBy: '',
    privileged: false,
    profile,
    probes: [],
    warnings: [message],
    startedAt: new Date().toISOString(),
    durationMs: 0,
  };
}

/** Runs one diagnosis. Throws `{ code: 'bad-input' }` errors for bad requests; network trouble ends up in the result. */
export async function runDiagnosis(input: DiagnoseRequestInput, opts: DiagnosisOptions = {}): Promise<DiagnosisResult> {
  const parsed = diagnoseRequestSchema.safeParse(input);
  if (!parsed.success) throw badInput(describeZodError(parsed.error));
  const req = parsed.data;
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const emit = (e: DiagnosisEvent): void => {
    try {
      opts.onEvent?.(e);
    } catch {
      // a listener's failure must not end the run
    }
  };
  const signal = opts.signal;
  const notes: string[] = [];
  const profile = await effectiveProfile(req, opts);
  if (req.auth && !opts.knownHosts) throw badInput('a credential check needs a known-hosts store');

  // --- target ---
  let targets;
  try {
    targets = await parseTargets([req.target], { force: false });
  } catch (err) {
    const message = (err as Error).message;
    if (/cannot resolve/.test(message)) {
      const discovery = unresolvedHost(req.target, profile.name, message);
      emit({ type: 'stage', stage: 'discovery', state: 'skipped', detail: 'the name does not resolve' });
      const advice = buildAdvice({ discovery, path: null, openPorts: null, auth: null, profile, scannerIps: req.scannerIps, target: req.target, resolveError: message });
      const result: DiagnosisResult = { target: req.target, unresolved: { name: req.target, reason: message }, discovery, path: null, openPorts: null, auth: null, advice, scannerIps: req.scannerIps, notes: [message], startedAt, durationMs: Math.round(performance.now() - t0) };
      emit({ type: 'done', result });
      return result;
    }
    throw err;
  }
  if (targets.length !== 1 || !targets[0]) throw badInput(`a diagnosis is about one host: "${req.target}" is ${targets.length} addresses (use discover for sweeps)`);
  const target = targets[0];
  const privileged = req.mode === 'unprivileged' ? false : req.mode === 'raw' ? true : canUseRawSockets();
  if (req.mode === 'raw' && !canUseRawSockets()) throw badInput('raw sockets are not available: run as root (or grant CAP_NET_RAW), or use the unprivileged mode');

  // --- discovery ---
  emit({ type: 'stage', stage: 'discovery', state: 'running' });
  emit({ type: 'discovery', event: { type: 'start', total: 1, privileged, profile: profile.name } });
  emit({ type: 'discovery', event: { type: 'host-start', target: target.target, address: target.address } });
  const discovery = await (opts.discoverHost ?? discoverHost)(
    { target: target.target, address: target.address, family: target.family },
    { profile, mode: req.mode, ...(req.overrides.ratePps !== undefined ? { ratePps: req.overrides.ratePps } : {}), ...(signal ? { signal } : {}), ...(opts.onPacket ? { onPacket: opts.onPacket } : {}) },
    (probe) => emit({ type: 'discovery', event: { type: 'probe', target: target.target, address: target.address, probe } }),
  );
  emit({ type: 'discovery', event: { type: 'host-done', result: discovery } });
  emit({ type: 'stage', stage: 'discovery', state: 'done', detail: `${discovery.verdict}: ${discovery.reason}` });

  // --- path + port finder (not alive) ---
  let path: PathResult | null = null;
  let openPorts: OpenPort[] | null = null;
  let portFinder: PortFinderSummary | undefined;
  const needsLook = !discovery.alive && !signal?.aborted;
  const traceJob = async (): Promise<void> => {
    if (!req.trace || !needsLook) {
      emit({ type: 'stage', stage: 'path', state: 'skipped', detail: !req.trace ? 'disabled' : 'host is alive' });
      return;
    }
    emit({ type: 'stage', stage: 'path', state: 'running' });
    try {
      path = await tracePath(target.address, {
        ...opts.trace,
        ...(opts.onPacket ? { onPacket: opts.onPacket } : {}),
        probe: chooseTraceProbe(discovery, null, privileged),
        privileged,
        ...(signal ? { signal } : {}),
        onHop: (hop) => emit({ type: 'hop', hop }),
      });
    } catch (err) {
      notes.push(`path trace failed: ${(err as Error).message}`);
    }
  };
  const portJob = async (): Promise<void> => {
    if (!req.portFinder || !needsLook) {
      emit({ type: 'stage', stage: 'port-finder', state: 'skipped', detail: !req.portFinder ? 'disabled' : 'host is alive' });
      return;
    }
    emit({ type: 'stage', stage: 'port-finder', state: 'running' });
    try {
      const r = await findOpenPorts(target.address, {
        topPorts: opts.topPorts ?? 1000,
        ...opts.portFinder,
        ...(opts.onPacket ? { onPacket: opts.onPacket } : {}),
        privileged,
        ...(signal ? { signal } : {}),
        onPort: (port) => emit({ type: 'port', port }),
      });
      openPorts = r.openPorts;
      portFinder = { tcpMethod: r.tcpMethod, tcpProbed: r.tcpProbed, udpProbed: r.udpProbed, durationMs: r.durationMs, truncated: r.truncated };
      if (r.truncated) notes.push('the port finder hit its deadline before every port was tried');
    } catch (err) {
      notes.push(`port finder failed: ${(err as Error).message}`);
    }
  };
  await Promise.all([traceJob(), portJob()]);
  // A port the host answers on is the best trace probe: trace again with it if the first trace did not get through.
  const tracedFirst = path as PathResult | null;
  const found = openPorts as OpenPort[] | null;
  if (tracedFirst && !tracedFirst.reached && !tracedFirst.blockingHop && found && found.length > 0 && !signal?.aborted) {
    const better = chooseTraceProbe(discovery, found, privileged);
    const before = tracedFirst.probe;
    try {
      const again = await tracePath(target.address, { ...opts.trace, ...(opts.onPacket ? { onPacket: opts.onPacket } : {}), probe: better, privileged, ...(signal ? { signal } : {}) });
      if (again.reached || again.hops.some((h) => h.responder !== null)) {
        path = { ...again, detail: `traced again with ${again.probe}, a port the host answers on (the first trace with ${before} did not reach it)` };
      }
    } catch {
      // keep the first trace
    }
  }
  if (path) {
    emit({ type: 'path', path });
    const p: PathResult = path;
    emit({ type: 'stage', stage: 'path', state: 'done', detail: p.reached ? 'reached the target' : `last answer from ${p.lastResponder ?? 'nobody'}` });
  }
  if (openPorts) {
    emit({ type: 'open-ports', openPorts });
    emit({ type: 'stage', stage: 'port-finder', state: 'done', detail: `${(openPorts as OpenPort[]).length} port(s) answered` });
  }

  // --- credentials ---
  let auth: AuthResult | null = null;
  if (req.auth && !signal?.aborted) {
    emit({ type: 'stage', stage: 'auth', state: 'running' });
    const run = opts.runAuthCheck ?? defaultRunAuthCheck;
    try {
      auth = await run(
        { ...req.auth, host: target.address, profile: builtinProfile(profile.name) ? profile.name : req.auth.profile },
        {
          knownHosts: opts.knownHosts as KnownHostsStore,
          ...(signal ? { signal } : {}),
          ...(opts.confirmHostKey ? { confirmHostKey: opts.confirmHostKey } : {}),
          onStep: (step) => emit({ type: 'auth', event: { type: 'step', step } }),
        },
      );
      emit({ type: 'auth', event: { type: 'done', result: auth } });
      emit({ type: 'stage', stage: 'auth', state: 'done', detail: auth.status });
    } catch (err) {
      const e = err as { code?: string; message?: string };
      if (e.code === 'bad-request') throw badInput(e.message ?? 'bad credential request');
      notes.push(`credential check failed: ${e.message ?? String(err)}`);
      emit({ type: 'stage', stage: 'auth', state: 'done', detail: 'failed to run' });
    }
  } else {
    emit({ type: 'stage', stage: 'auth', state: 'skipped', detail: req.auth ? 'cancelled' : 'no credentials given' });
  }

  // --- advice ---
  emit({ type: 'stage', stage: 'advice', state: 'running' });
  let scannerIps = req.scannerIps;
  let scannerIpsGuessed = false;
  if (scannerIps.length === 0) {
    const own = await sourceAddressFor(target.address);
    if (own) {
      scannerIps = [own];
      scannerIpsGuessed = true;
      notes.push(`firewall rules use this machine's address toward the target (${own}); pass the scanner appliance's addresses with --scanner-ip`);
    }
  }
  if (!privileged) notes.push('unprivileged run: ACK/SYN-ACK probes cannot be sent, TCP probes use connect(), the path trace uses the system traceroute (UDP)');
  if (signal?.aborted) notes.push('cancelled before the diagnosis finished');
  const advice = buildAdvice({
    discovery,
    path,
    openPorts,
    auth,
    profile,
    scannerIps,
    scannerIpsGuessed,
    target: req.target,
    ...(target.hostname ? { resolvedFrom: target.hostname } : {}),
  });
  // The credential part of the ranked list is exactly credentialAdvice(auth): what `scanready auth` gives.
  if (auth) auth.advice = advice.filter(isCredentialAdvice);
  emit({ type: 'stage', stage: 'advice', state: 'done', detail: `${advice.length} item(s)` });
  const result: DiagnosisResult = {
    target: req.target,
    discovery,
    path,
    openPorts,
    auth,
    advice,
    scannerIps,
    ...(target.hostname ? { resolvedFrom: target.hostname } : {}),
    ...(portFinder ? { portFinder } : {}),
    notes,
    startedAt,
    durationMs: Math.round(performance.now() - t0),
  };
  emit({ type: 'done', result });
  return result;
}
