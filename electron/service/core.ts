/**
 * The one implementation of the ScanReady API, used by Electron main (over IPC) and by web
 * mode (over HTTP/WebSocket). Plain Node: no electron import.
 *
 * `invoke(channel, payload)` validates the channel and the payload with the schemas in
 * shared/requests.ts, runs the request, and always resolves to an IpcResult whose error
 * message is one line in plain words. Pushes go to every listener registered with `on`.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import { z } from 'zod';
import { authRequestSchema, type AuthRequest, type AuthResult, type HostKeyInfo } from '../../shared/auth.js';
import type { DiagnosisResult } from '../../shared/diagnosis.js';
import type { DiscoveryEvent, HostResult } from '../../shared/discovery.js';
import {
  fail,
  isInvokeChannel,
  ok,
  type AppInfo,
  type DiagnosePush,
  type InvokeChannel,
  type InvokeValue,
  type IpcResult,
  type KnownHost,
  type PushChannel,
  type PushMap,
} from '../../shared/ipc.js';
import { profileSchema, type DiscoveryProfile } from '../../shared/profiles.js';
import {
  bundleExportSchema,
  bundleImportSchema,
  describeZodError,
  credentialKeySchema,
  diagnoseRequestSchema,
  discoverRequestSchema,
  forgetHostKeySchema,
  hostKeyAnswerSchema,
  historyQuerySchema,
  idRequestSchema,
  pinRequestSchema,
  nameRequestSchema,
  openExternalSchema,
  profileExportSchema,
  profileImportSchema,
  runIdSchema,
  saveCredentialSchema,
  settingsPatchSchema,
  type DiscoverOverrides,
  type HistoryQueryRequest,
  type PinRequest,
  type ProfileRef,
} from '../../shared/requests.js';
import { redactor, requestSecrets } from '../bundle/redact.js';
import { PacketCapture } from '../bundle/capture.js';
import { bundleHandlers, type BundleDialogs } from './bundles.js';
import { KnownHostsStore } from '../ssh/knownHosts.js';
import { planTargets, type TargetPlan } from '../targets/index.js';
import { elevationStatus, ElevationError, runElevatedDiscover, type CliInvocation } from './elevate.js';
import type { Engines } from './engines.js';
import { badInput, ServiceError } from './errors.js';
import { HistoryStore, newHistoryId, summarizeAuth, summarizeDiagnosis, summarizeSweep, SweepTally, type RetentionPolicy, type SweepWriter } from '../history/index.js';
import { knownHostsFile as knownHostsFileIn } from './paths.js';
import { ProfileStore } from './profiles.js';
import { SettingsStore } from './settings.js';
import { CredentialStore, type SecretVault } from './credentials.js';

const nullRequest = z
  .unknown()
  .refine((v) => v === null || v === undefined || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0), {
    message: 'this call takes no arguments',
  });

/** The runtime schema of every invoke channel's request. */
export const INVOKE_SCHEMAS: { [C in InvokeChannel]: z.ZodType } = {
  'scanready:discover:start': discoverRequestSchema,
  'scanready:discover:cancel': runIdSchema,
  'scanready:auth:start': authRequestSchema,
  'scanready:auth:cancel': runIdSchema,
  'scanready:auth:answer-host-key': hostKeyAnswerSchema,
  'scanready:diagnose:start': diagnoseRequestSchema,
  'scanready:diagnose:cancel': runIdSchema,
  'scanready:profiles:list': nullRequest,
  'scanready:profiles:save': profileSchema,
  'scanready:profiles:delete': nameRequestSchema,
  'scanready:profiles:import': profileImportSchema,
  'scanready:profiles:export': profileExportSchema,
  'scanready:history:list': historyQuerySchema.nullable(),
  'scanready:history:pin': pinRequestSchema,
  'scanready:history:notices': nullRequest,
  'scanready:history:get': idRequestSchema,
  'scanready:history:delete': idRequestSchema,
  'scanready:history:clear': nullRequest,
  'scanready:settings:get': nullRequest,
  'scanready:settings:update': settingsPatchSchema,
  'scanready:settings:known-hosts': nullRequest,
  'scanready:settings:forget-host-key': forgetHostKeySchema,
  'scanready:credentials:status': nullRequest,
  'scanready:credentials:save': saveCredentialSchema,
  'scanready:credentials:load': credentialKeySchema,
  'scanready:credentials:forget': credentialKeySchema,
  'scanready:app:info': nullRequest,
  'scanready:app:privilege': nullRequest,
  'scanready:app:open-external': openExternalSchema,
  'scanready:bundle:export': bundleExportSchema,
  'scanready:bundle:import': bundleImportSchema,
  'scanready:bundle:save-as': bundleExportSchema,
  'scanready:bundle:open': nullRequest,
};

export type PushListener = <P extends PushChannel>(channel: P, payload: PushMap[P]) => void;

export interface ServiceOptions {
  /** History, profiles, settings and known hosts live here. */
  userDataDir: string;
  mode: 'electron' | 'web';
  version: string;
  engines: Engines;
  /** How to start the CLI for "Run privileged probes"; null → elevation unavailable. */
  cli?: CliInvocation | null;
  /** Opens an allow-listed URL in the OS browser (Electron's shell.openExternal); absent in web mode. */
  openExternal?: (url: string) => Promise<void>;
  platform?: NodeJS.Platform;
  /** The OS's encryption for "Remember" (Electron safeStorage); absent in web mode: saving is refused. */
  secretVault?: SecretVault | null;
  /** The desktop app's save/open dialogs for bundles; absent in web mode (a download / an upload instead). */
  bundleDialogs?: BundleDialogs | null;
}

export interface Service {
  /** Payloads are untrusted (`unknown`) on purpose: they are validated here. */
  invoke<C extends InvokeChannel>(channel: C, payload: unknown): Promise<IpcResult<InvokeValue<C>>>;
  invoke(channel: string, payload: unknown): Promise<IpcResult<unknown>>;
  on(listener: PushListener): () => void;
  /** Cancels every run (app quit / server stop) and waits for them to end. */
  close(): Promise<void>;
  /** Runs in flight (for tests and shutdown). */
  activeRuns(): number;
}

type RunKind = 'discover' | 'auth' | 'diagnose';

/** Where each kind of run reports its events (and its `run-error`). */
const RUN_EVENT_CHANNEL = {
  discover: 'scanready:discover:event',
  auth: 'scanready:auth:event',
  diagnose: 'scanready:diagnose:event',
} as const satisfies Record<RunKind, PushChannel>;

interface Prompt {
  resolve(accepted: boolean, by: 'user' | 'timeout' | 'run-ended'): void;
}

interface Run {
  kind: RunKind;
  controller: AbortController;
  prompts: Map<string, Prompt>;
  done: Promise<void>;
}

/** Plain-words message for any thrown value (never a stack). */
function messageOf(err: unknown): string {
  if (err instanceof Error && err.message) return err.message.split('\n')[0] ?? err.message;
  return 'something went wrong';
}

function toFailure(err: unknown): IpcResult<never> {
  if (err instanceof ServiceError || err instanceof ElevationError) return fail(err.code, err.message);
  const code = (err as { code?: unknown } | null)?.code;
  // 'bad-request' is the SSH engine's name for a request it refuses.
  if (code === 'bad-input' || code === 'bad-request') return fail('bad-input', messageOf(err));
  if (code === 'not-found') return fail('not-found', messageOf(err));
  // The history database: locked by another process, written by a newer version, driver missing.
  if (code === 'unavailable' || code === 'busy' || code === 'newer-schema') return fail('unavailable', messageOf(err));
  return fail('internal', messageOf(err));
}

/** Splits pasted text entries into targets: one per line, `#` comments and blank lines dropped. */
export function expandTargetEntries(entries: string[]): string[] {
  const out: string[] = [];
  for (const entry of entries) {
    for (const line of entry.split(/\r?\n/)) {
      const t = line.replace(/#.*$/, '').trim();
      if (t !== '') out.push(t);
    }
  }
  return out;
}

/** The profile a run uses: named or inline, with the per-run overrides (named like the CLI does). */
export function applyOverrides(base: DiscoveryProfile, overrides: DiscoverOverrides): DiscoveryProfile {
  const p: DiscoveryProfile = { ...base, tcpSyn: [...base.tcpSyn], udp: [...base.udp], tcpAck: [...base.tcpAck], tcpSynAck: [...base.tcpSynAck] };
  let changed = false;
  if (overrides.tcp) {
    p.tcpSyn = [...new Set(overrides.tcp)];
    changed = true;
  }
  if (overrides.udp) {
    p.udp = [...new Set(overrides.udp)];
    changed = true;
  }
  if (overrides.icmp !== undefined && overrides.icmp !== base.icmpEcho) {
    p.icmpEcho = overrides.icmp;
    changed = true;
  }
  if (overrides.timeoutMs !== undefined) {
    p.timeoutMs = overrides.timeoutMs;
    changed = true;
  }
  if (overrides.retries !== undefined) {
    p.retries = overrides.retries;
    changed = true;
  }
  if (changed && !p.name.endsWith('+custom')) p.name = `${p.name}+custom`;
  return p;
}

export function createServiceCore(options: ServiceOptions): Service {
  const { engines } = options;
  const platform = options.platform ?? process.platform;
  const profiles = new ProfileStore(options.userDataDir);
  const settings = new SettingsStore(options.userDataDir);
  const history = new HistoryStore(options.userDataDir);
  const credentials = new CredentialStore(options.userDataDir, options.secretVault ?? null, options.mode);
  const knownHostsFile = knownHostsFileIn(options.userDataDir);
  const listeners = new Set<PushListener>();
  const runs = new Map<string, Run>();
  let closed = false;

  function emit<P extends PushChannel>(channel: P, payload: PushMap[P]): void {
    for (const l of [...listeners]) {
      try {
        l(channel, payload);
      } catch {
        // A broken listener (closed window, dead socket) must not stop the run.
      }
    }
  }

  async function resolveProfile(ref: ProfileRef, overrides: DiscoverOverrides): Promise<DiscoveryProfile> {
    const base = typeof ref === 'string' ? await profiles.get(ref) : ref;
    if (!base) throw badInput(`unknown profile "${ref as string}": pick one of the listed profiles`);
    return applyOverrides(base, overrides);
  }

  async function resolveTargets(entries: string[], force: boolean): Promise<TargetPlan> {
    const expanded = expandTargetEntries(entries);
    if (expanded.length === 0) throw badInput('no targets: give at least one address, name, CIDR or range');
    try {
      return await planTargets(expanded, { force });
    } catch (err) {
      if ((err as { code?: unknown }).code === 'bad-input') throw badInput(messageOf(err));
      throw err;
    }
  }

  async function checkMode(mode: string, elevate: boolean): Promise<void> {
    if (closed) throw new ServiceError('unavailable', 'ScanReady is shutting down');
    if (elevate) {
      if (mode === 'unprivileged') throw badInput('"unprivileged" mode and "run privileged probes" contradict each other: pick one');
      const status = await elevationStatus(platform, options.cli ?? null);
      if (!status.available) throw new ServiceError('unavailable', `privileged probes cannot be started here: ${status.reason ?? 'no elevation method'}`);
    } else if (mode === 'raw' && !engines.canUseRawSockets()) {
      throw new ServiceError('unavailable', 'raw sockets are not available to this process: use "Run privileged probes" or mode "auto"');
    }
  }

  /** Registers a run and starts `body` in the background; `body` reports through pushes. */
  function startRun(kind: Run['kind'], body: (runId: string, run: Run) => Promise<void>): string {
    const runId = randomUUID();
    const run: Run = { kind, controller: new AbortController(), prompts: new Map(), done: Promise.resolve() };
    runs.set(runId, run);
    run.done = (async () => {
      try {
        await body(runId, run);
      } catch (err) {
        // Anything a run did not expect ends that run, never the process: the user sees why.
        const f = toFailure(err);
        if (!f.ok) emit(RUN_EVENT_CHANNEL[kind], { runId, event: { type: 'run-error', ...f.error } });
      } finally {
        for (const prompt of run.prompts.values()) prompt.resolve(false, 'run-ended');
        runs.delete(runId);
      }
    })();
    return runId;
  }

  function cancelRun(kind: Run['kind'], runId: string): { cancelled: boolean } {
    const run = runs.get(runId);
    if (!run || run.kind !== kind || run.controller.signal.aborted) return { cancelled: false };
    run.controller.abort();
    return { cancelled: true };
  }

  /** The host-key question for one run: push a prompt, wait for the answer or the timeout. */
  function hostKeyAsker(runId: string, run: Run, host: string, port: number): (hostKey: HostKeyInfo) => Promise<boolean> {
    return async (hostKey) => {
      const timeoutMs = (await settings.get()).hostKeyPromptTimeoutMs;
      if (run.controller.signal.aborted) return false;
      const promptId = randomUUID();
      return new Promise<boolean>((resolve) => {
        const finish = (accepted: boolean, by: 'user' | 'timeout' | 'run-ended'): void => {
          if (!run.prompts.delete(promptId)) return;
          clearTimeout(timer);
          run.controller.signal.removeEventListener('abort', onAbort);
          emit('scanready:auth:host-key-closed', { runId, promptId, accepted, by });
          resolve(accepted);
        };
        const onAbort = (): void => finish(false, 'run-ended');
        const timer = setTimeout(() => finish(false, 'timeout'), timeoutMs);
        run.prompts.set(promptId, { resolve: finish });
        run.controller.signal.addEventListener('abort', onAbort, { once: true });
        emit('scanready:auth:host-key-prompt', {
          runId,
          promptId,
          host,
          port,
          hostKey,
          timeoutMs,
          expiresAt: new Date(Date.now() + timeoutMs).toISOString(),
        });
      });
    };
  }

  async function retention(): Promise<RetentionPolicy> {
    const s = await settings.get();
    return { keepDays: s.historyKeepDays, keepMB: s.historyKeepMB };
  }

  /** A run's captured packets go beside it in the history (a bundle's probes.pcap); returns the id. */
  function keepPackets(id: string, capture: PacketCapture): string {
    try {
      const pcap = capture.pcap();
      if (pcap) history.setPackets(id, pcap, capture.packets.length);
    } catch {
      // the packets are a convenience: the run stays stored without them
    }
    return id;
  }

  async function saveHistory(add: (id: string, createdAt: string, policy: RetentionPolicy) => string | null): Promise<string | null> {
    try {
      const id = add(newHistoryId(), new Date().toISOString(), await retention());
      if (id) emit('scanready:history:changed', { ids: [id] });
      return id;
    } catch {
      // History is a convenience: a full disk must not turn a finished run into a failure.
      return null;
    }
  }

  // Retention applies at start as well as after each run; an old JSON history is imported here.
  void retention()
    .then((policy) => {
      if (!closed) history.startup(policy);
    })
    .catch(() => undefined); // a locked or damaged database is reported when History is opened

  // --- handlers -------------------------------------------------------------------------------

  type Handler<C extends InvokeChannel> = (payload: never) => InvokeValue<C> | Promise<InvokeValue<C>>;
  type Handlers = { [C in InvokeChannel]: Handler<C> };

  const handlers: Handlers = {
    'scanready:discover:start': async (raw: z.infer<typeof discoverRequestSchema>) => {
      const req = raw;
      await checkMode(req.mode, req.elevate);
      const profile = await resolveProfile(req.profile, req.overrides);
      const targets = await resolveTargets(req.targets, req.force);
      const ratePps = req.overrides.ratePps ?? (await settings.get()).ratePps;
      const entries = expandTargetEntries(req.targets);
      const runId = startRun('discover', async (id, run) => {
        const signal = run.controller.signal;
        // Hosts go to the history database in chunks as they finish: memory stays flat in the
        // number of hosts, and a crash keeps what was done (listed as interrupted).
        const tally = new SweepTally();
        let writer: SweepWriter | null = null;
        const startedAt = new Date().toISOString();
        const store = (h: HostResult): void => {
          try {
            writer ??= history.beginSweep(summarizeSweep(newHistoryId(), entries, tally, false, startedAt));
            writer.add(h);
          } catch {
            writer = null; // history is a convenience: a locked or full disk never fails the sweep
          }
        };
        let cancelled = false;
        let failure: IpcResult<never> | null = null;
        // Open (or create) the history database now, a step per turn of the event loop, rather
        // than all at once when the first host is done: that stalled every other client.
        await history.prepare().catch(() => undefined); // a locked or full disk never fails the sweep
        const capture = new PacketCapture(); // raw mode: the run's packets, kept with it for probes.pcap
        try {
          const source: AsyncIterable<DiscoveryEvent> = req.elevate
            ? runElevatedDiscover({ platform, cli: options.cli as CliInvocation, entries, profile, force: req.force, ratePps, signal })
            : engines.discover(targets, { profile, mode: req.mode, ratePps, signal, onPacket: capture.tap });
          for await (const event of source) {
            if (event.type === 'host-done') {
              tally.add(event.result);
              store(event.result);
            }
            if (event.type === 'end') cancelled = event.cancelled;
            emit('scanready:discover:event', { runId: id, event });
          }
        } catch (err) {
          failure = toFailure(err);
        }
        const w = writer as SweepWriter | null;
        if (w && tally.total > 0) {
          const historyId = await saveHistory((_hid, at, policy) => {
            w.finish(summarizeSweep(w.id, entries, tally, cancelled || signal.aborted || failure !== null, at), cancelled || signal.aborted || failure !== null, policy);
            keepPackets(w.id, capture);
            return w.id;
          });
          if (historyId) emit('scanready:discover:event', { runId: id, event: { type: 'saved', historyId } });
        }
        if (failure && !failure.ok) emit('scanready:discover:event', { runId: id, event: { type: 'run-error', ...failure.error } });
      });
      return { runId, total: targets.total };
    },
    'scanready:discover:cancel': (req: { runId: string }) => cancelRun('discover', req.runId),

    'scanready:auth:start': (req: AuthRequest) => {
      if (closed) throw new ServiceError('unavailable', 'ScanReady is shutting down');
      if (!req.password && !req.privateKey && !req.agent) {
        throw badInput('give a password, a private key, or use the SSH agent');
      }
      // Everything this run shows or stores passes the redactor with the run's own secrets.
      const secrets = requestSecrets(req);
      const red = redactor(secrets);
      const runId = startRun('auth', async (id, run) => {
        const signal = run.controller.signal;
        let result: AuthResult;
        try {
          result = red.value(
            await engines.runAuthCheck(req, {
              signal,
              knownHostsFile,
              onStep: (step) => emit('scanready:auth:event', { runId: id, event: { type: 'step', step: red.value(step) } }),
              confirmHostKey: hostKeyAsker(id, run, req.host, req.port),
            }),
          );
        } catch (err) {
          const f = toFailure(err);
          if (!f.ok) emit('scanready:auth:event', { runId: id, event: { type: 'run-error', ...red.value(f.error) } });
          return;
        }
        emit('scanready:auth:event', { runId: id, event: { type: 'done', result } });
        const historyId = await saveHistory((hid, at, limit) => history.add('auth', summarizeAuth(hid, result, at), result, limit, secrets));
        if (historyId) emit('scanready:auth:event', { runId: id, event: { type: 'saved', historyId } });
      });
      return { runId };
    },
    'scanready:auth:cancel': (req: { runId: string }) => cancelRun('auth', req.runId),
    'scanready:auth:answer-host-key': (req: { runId: string; promptId: string; accept: boolean }) => {
      const prompt = runs.get(req.runId)?.prompts.get(req.promptId);
      if (!prompt) throw new ServiceError('not-found', 'that host-key question has expired or was already answered');
      prompt.resolve(req.accept, 'user');
      return { accepted: req.accept };
    },

    'scanready:diagnose:start': async (req: z.infer<typeof diagnoseRequestSchema>) => {
      await checkMode(req.mode, req.elevate);
      if (req.auth && !req.auth.password && !req.auth.privateKey && !req.auth.agent) {
        throw badInput('credential check: give a password, a private key, or use the SSH agent');
      }
      const profile = await resolveProfile(req.profile, req.overrides);
      try {
        const targets = await resolveTargets([req.target], false);
        if (targets.total !== 1) {
          throw badInput(`a diagnosis is about one host, but "${req.target}" is ${targets.total} addresses: use a sweep (discover) for ranges`);
        }
      } catch (err) {
        // A name that does not resolve is a diagnosis of its own (advice: check the address).
        if (!(err instanceof ServiceError && /resolve/i.test(err.message))) throw err;
      }
      const current = await settings.get();
      const ratePps = req.overrides.ratePps ?? current.ratePps;
      const scannerIps = req.scannerIps.length > 0 ? req.scannerIps : current.scannerIps;
      const { elevate, ...rest } = req;
      const engineRequest = { ...rest, elevate: false, profile, overrides: { ratePps }, scannerIps };
      const secrets = requestSecrets(req.auth);
      const red = redactor(secrets);
      const runId = startRun('diagnose', async (id, run) => {
        const signal = run.controller.signal;
        const push = (event: DiagnosePush['event']): void => emit('scanready:diagnose:event', { runId: id, event: red.value(event) });
        let result: DiagnosisResult;
        const capture = new PacketCapture(); // raw mode: the run's packets, kept with it for probes.pcap
        try {
          result = await engines.runDiagnosis(engineRequest, {
            signal,
            onPacket: capture.tap,
            knownHostsFile,
            confirmHostKey: hostKeyAsker(id, run, req.target, req.auth?.port ?? 22),
            onProgress: (ev) => {
              if (ev.type === 'done') return; // ours carries the history id
              // Elevated: the discovery start comes from the helper itself (below), not from this process.
              if (elevate && ev.type === 'discovery' && ev.event.type === 'start') return;
              push(ev);
            },
            ...(elevate
              ? {
                  discoverHost: async (target, opts, onProbe) => {
                    let host: HostResult | null = null;
                    for await (const ev of runElevatedDiscover({
                      platform,
                      cli: options.cli as CliInvocation,
                      entries: [target.target],
                      profile: opts.profile,
                      force: false,
                      ratePps,
                      signal: opts.signal ?? signal,
                    })) {
                      if (ev.type === 'start') push({ type: 'discovery', event: ev });
                      if (ev.type === 'probe') onProbe?.(ev.probe);
                      if (ev.type === 'host-done') host = ev.result;
                    }
                    if (!host) throw new ServiceError('internal', 'the privileged probe helper returned no result');
                    return host;
                  },
                }
              : {}),
          });
        } catch (err) {
          const f = toFailure(err);
          if (!f.ok) push({ type: 'run-error', ...f.error });
          return;
        }
        if (signal.aborted) {
          push({ type: 'run-error', code: 'internal', message: 'the diagnosis was cancelled' });
          return;
        }
        result = red.value(result);
        const historyId = await saveHistory((hid, at, limit) => keepPackets(history.add('diagnosis', summarizeDiagnosis(hid, result, at), result, limit, secrets), capture));
        push({ type: 'done', result, historyId });
      });
      return { runId, total: 1 };
    },
    'scanready:diagnose:cancel': (req: { runId: string }) => cancelRun('diagnose', req.runId),

    'scanready:profiles:list': async () => profiles.list(),
    'scanready:profiles:save': async (profile: DiscoveryProfile) => {
      const saved = await profiles.save(profile);
      emit('scanready:profiles:changed', { names: [saved.profile.name] });
      return saved;
    },
    'scanready:profiles:delete': async (req: { name: string }) => {
      const deleted = await profiles.delete(req.name);
      if (deleted) emit('scanready:profiles:changed', { names: [req.name] });
      return { deleted };
    },
    'scanready:profiles:import': async (req: { json: string; overwrite: boolean }) => {
      const imported = await profiles.import(req.json, req.overwrite);
      emit('scanready:profiles:changed', { names: imported.map((e) => e.profile.name) });
      return imported;
    },
    'scanready:profiles:export': async (req: { names?: string[] }) => profiles.export(req.names),

    'scanready:history:list': (req: HistoryQueryRequest | null) => history.list(req ?? {}),
    'scanready:history:get': (req: { id: string }) => history.get(req.id),
    'scanready:history:pin': (req: PinRequest) => {
      const pinned = history.pin(req.id, req.pinned);
      if (!pinned) throw new ServiceError('not-found', 'that history entry no longer exists');
      emit('scanready:history:changed', { ids: [req.id] });
      return { pinned: req.pinned };
    },
    'scanready:history:notices': () => {
      history.list({ limit: 1 }); // opens the database: a damaged file or an old history is found here
      return [...history.notices];
    },
    'scanready:history:delete': (req: { id: string }) => {
      const deleted = history.delete(req.id);
      if (deleted) emit('scanready:history:changed', { ids: [req.id] });
      return { deleted };
    },
    'scanready:history:clear': () => {
      const deleted = history.clear();
      emit('scanready:history:changed', { ids: [] });
      return { deleted };
    },

    'scanready:settings:get': async () => settings.get(),
    'scanready:settings:update': async (patch: z.infer<typeof settingsPatchSchema>) => {
      if (patch.defaultProfile !== undefined && !(await profiles.get(patch.defaultProfile))) {
        throw badInput(`defaultProfile: there is no profile named "${patch.defaultProfile}"`);
      }
      const next = await settings.update(patch);
      emit('scanready:settings:changed', next);
      return next;
    },
    'scanready:settings:known-hosts': async () => {
      const store = new KnownHostsStore(knownHostsFile);
      await store.load();
      return store.list().map((e): KnownHost => {
        const m = /^\[(.+)\]:(\d+)$/.exec(e.pattern);
        return {
          host: m?.[1] ?? e.pattern,
          port: m?.[2] !== undefined ? Number(m[2]) : 22,
          algorithm: e.algorithm,
          fingerprint: e.fingerprint,
          addedAt: e.addedAt,
        };
      });
    },
    'scanready:settings:forget-host-key': async (req: { host: string; port: number }) => {
      const store = new KnownHostsStore(knownHostsFile);
      return { deleted: (await store.forget(req.host, req.port)) > 0 };
    },

    'scanready:credentials:status': () => credentials.status(),
    'scanready:credentials:save': async (req: z.infer<typeof saveCredentialSchema>) => {
      const { host, port, user, ...secrets } = req;
      await credentials.save({ host, port, user }, secrets);
      return { saved: true as const };
    },
    'scanready:credentials:load': async (req: z.infer<typeof credentialKeySchema>) => credentials.load(req),
    'scanready:credentials:forget': async (req: z.infer<typeof credentialKeySchema>) => ({ deleted: await credentials.forget(req) }),

    'scanready:app:info': (): AppInfo => ({
      name: 'ScanReady',
      version: options.version,
      mode: options.mode,
      platform,
      arch: os.arch(),
      userDataDir: options.userDataDir,
    }),
    'scanready:app:privilege': async () => ({
      rawSockets: engines.canUseRawSockets(),
      elevation: await elevationStatus(platform, options.cli ?? null),
    }),
    'scanready:app:open-external': async (req: { url: string }) => {
      if (!options.openExternal) return { opened: false, url: req.url };
      await options.openExternal(req.url); // eng-disable OPEN_EXTERNAL_JS_CHECK: schema-validated against the allow-list; main re-checks
      return { opened: true, url: req.url };
    },
    ...bundleHandlers({ userDataDir: options.userDataDir, history, dialogs: options.bundleDialogs ?? null, retention, changed: (ids) => emit('scanready:history:changed', { ids }) }),
  };

  return {
    async invoke(channel: string, payload: unknown): Promise<IpcResult<never>> {
      if (typeof channel !== 'string' || !isInvokeChannel(channel)) return fail('bad-input', `unknown call "${String(channel).slice(0, 80)}"`);
      const parsed = INVOKE_SCHEMAS[channel].safeParse(payload);
      if (!parsed.success) return fail('bad-input', describeZodError(parsed.error));
      try {
        await fs.mkdir(options.userDataDir, { recursive: true, mode: 0o700 });
        const handler = handlers[channel] as (p: unknown) => unknown;
        return ok(await handler(parsed.data)) as IpcResult<never>;
      } catch (err) {
        return toFailure(err);
      }
    },
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      const pending = [...runs.values()];
      for (const run of pending) run.controller.abort();
      await Promise.allSettled(pending.map((r) => r.done));
      history.close();
    },
    activeRuns: () => runs.size,
  };
}
