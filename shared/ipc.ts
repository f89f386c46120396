/**
 * The one contract between the UI and the engine (Heroic-style maps).
 *
 * - `InvokeMap`: request → result, channel names `scanready:<domain>:<verb>`.
 *   Every result crosses as `IpcResult<T>`; a failure is `{ ok: false, error: { code, message } }`
 *   with a message in plain words (never a stack trace).
 * - `PushMap`: main → UI events. Long runs (discover, auth, diagnose) return a `runId` from
 *   `start`; their events arrive on the domain's `event` channel tagged with that runId.
 * - `ScanReadyApi`: what the UI holds (`window.api` in Electron, `createApiClient(webTransport)`
 *   in web mode): named methods grouped by domain plus `on<Event>(handler) => unsubscribe`.
 *
 * Requests are validated in main with the schemas in ./requests.ts (listed in `INVOKE_SCHEMAS`
 * in electron/service). Pure types: no node, electron or DOM imports.
 */
import type { AuthEvent, AuthRequestInput, AuthResult, HostKeyInfo } from './auth.js';
import type { DiagnosisEvent, DiagnosisResult } from './diagnosis.js';
import type { DiscoveryEvent, HostResult, Verdict } from './discovery.js';
import type { DiscoveryProfile, DiscoveryProfileInput } from './profiles.js';
import type {
  BundleExportRequest,
  BundleImportRequest,
  CredentialKeyRequest,
  DiagnoseRequestInput,
  DiscoverRequestInput,
  ForgetHostKeyRequest,
  HistoryQueryRequest,
  HostKeyAnswer,
  IdRequest,
  NameRequest,
  OpenExternalRequest,
  PinRequest,
  ProfileExportRequest,
  ProfileImportRequest,
  RunIdRequest,
  SaveCredentialRequest,
  Settings,
  SettingsPatch,
} from './requests.js';

export type {
  BundleExportRequest,
  BundleImportRequest,
  CredentialKeyRequest,
  DiagnoseRequestInput,
  DiscoverRequestInput,
  ForgetHostKeyRequest,
  HistoryQueryRequest,
  HostKeyAnswer,
  IdRequest,
  NameRequest,
  OpenExternalRequest,
  PinRequest,
  ProfileExportRequest,
  ProfileImportRequest,
  RunIdRequest,
  SaveCredentialRequest,
  Settings,
  SettingsPatch,
} from './requests.js';

// ---------------------------------------------------------------------------------------------
// Results

/**
 * Machine-readable error codes.
 * - `bad-input`: the request itself is wrong (message says which field and why); nothing was done.
 * - `not-found`: no such run / profile / history entry / prompt.
 * - `conflict`: would overwrite something (e.g. a built-in profile name).
 * - `unavailable`: the feature cannot work here (e.g. no elevation tool, engine not built).
 * - `elevation-failed`: the OS elevation prompt was refused, cancelled or failed.
 * - `forbidden`: refused by policy (link not allow-listed, untrusted sender).
 * - `internal`: anything else; the message is still one plain line.
 */
export type IpcErrorCode = 'bad-input' | 'not-found' | 'conflict' | 'unavailable' | 'elevation-failed' | 'forbidden' | 'internal';

export interface IpcError {
  code: IpcErrorCode;
  message: string;
}

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

export function ok<T>(value: T): IpcResult<T> {
  return { ok: true, value };
}
export function fail<T = never>(code: IpcErrorCode, message: string): IpcResult<T> {
  return { ok: false, error: { code, message } };
}

// ---------------------------------------------------------------------------------------------
// Value types

export interface RunStarted {
  runId: string;
  /** Resolved targets for a discovery (count only; the list comes with the events). */
  total?: number;
}

export interface CancelResult {
  /** false when the run had already finished (or never existed). */
  cancelled: boolean;
}

/** A profile as listed by `profiles.list`. */
export interface ProfileEntry {
  profile: DiscoveryProfile;
  builtin: boolean;
  /** Qualys-limit warnings (see profileWarnings in shared/profiles.ts). */
  warnings: string[];
}

export interface ProfileExport {
  /** Suggested file name, e.g. `scanready-profiles.json`. */
  fileName: string;
  /** Pretty-printed JSON: `{ "profiles": [...] }`; re-importable. */
  json: string;
}

export type HistoryKind = 'diagnosis' | 'discovery' | 'auth';

/** One line of the history list (small: the full result comes from `history.get`). */
export interface HistorySummary {
  id: string;
  kind: HistoryKind;
  /** ISO time the run finished. */
  createdAt: string;
  /** What was checked, as typed (first entries for a sweep). */
  target: string;
  /** One line for humans, e.g. "not alive: no answer to 23 probes" (the verdict is its own field). */
  title: string;
  profile: string | null;
  /** Diagnosis / single-host discovery verdict. */
  verdict?: Verdict;
  /** Sweep counts. */
  hosts?: { total: number; alive: number };
  /** Credential-check status (auth runs, or a diagnosis with a credential check). */
  authStatus?: AuthResult['status'];
  privileged: boolean;
  /** Kept whatever the retention setting says. */
  pinned?: boolean;
  /** The process writing this run stopped before it finished (what was done is kept). */
  interrupted?: boolean;
  /** Opened from a debug bundle (this file name), not run here: shown read-only, never probed again. */
  importedFrom?: string;
}

/** A debug bundle made from a stored run, for a download (web mode) or the UI to save. */
export interface BundleExport {
  /** Suggested file name (`scanready-diagnosis-198.18.1.11-2026-12-02.zip`). */
  fileName: string;
  /** The ZIP, base64. */
  data: string;
  bytes: number;
  entries: string[];
}

/** A bundle opened into History. */
export interface BundleImported {
  fileName: string;
  ids: string[];
}

/** The desktop app's File menu asks the UI to act on what is on screen. */
export interface AppMenuAction {
  action: 'export-bundle' | 'import-bundle';
}

/** A reopened history entry: the same objects the live run produced (`kind` repeats the summary's, to narrow on). No secrets are ever stored. */
export type HistoryEntry =
  | { kind: 'diagnosis'; summary: HistorySummary & { kind: 'diagnosis' }; result: DiagnosisResult }
  | { kind: 'discovery'; summary: HistorySummary & { kind: 'discovery' }; result: { hosts: HostResult[]; cancelled: boolean } }
  | { kind: 'auth'; summary: HistorySummary & { kind: 'auth' }; result: AuthResult };

export type ElevationMethod = 'sudo' | 'pkexec' | 'osascript' | 'runas';

export interface PrivilegeStatus {
  /** This process can open raw sockets now (root / CAP_NET_RAW / Administrator). */
  rawSockets: boolean;
  /** "Run privileged probes" is possible here. */
  elevation: { available: boolean; method: ElevationMethod | null; reason?: string };
}

export interface AppInfo {
  name: string;
  version: string;
  /** Which shell serves the API. The UI should not need it except for About. */
  mode: 'electron' | 'web';
  platform: string;
  arch: string;
  /** Where history, profiles, settings and known hosts are stored. */
  userDataDir: string;
}

export interface KnownHost {
  host: string;
  port: number;
  algorithm: string;
  /** `SHA256:...` */
  fingerprint: string;
  /** ISO time it was first trusted. */
  addedAt: string;
}

/**
 * Whether "Remember" can keep secrets here. Only the OS's protection counts (Electron safeStorage:
 * Keychain, DPAPI, libsecret/kwallet); without it — web mode, the CLI, Linux without a keyring —
 * nothing is saved and `reason` says why. Secrets are never written in plain text.
 */
export interface SecretStorageStatus {
  available: boolean;
  reason?: string;
}

/** A remembered credential set's secrets (only what was given). */
export interface SavedSecrets {
  password?: string;
  privateKey?: string;
  passphrase?: string;
  delegationPassword?: string;
}

export interface OpenExternalResult {
  /** false in web mode: the link is allowed, but the browser must open it (render it as a link). */
  opened: boolean;
  url: string;
}

// ---------------------------------------------------------------------------------------------
// Run events

/** A failure that ended a run after `start` succeeded (e.g. the elevated helper died). */
export interface RunErrorEvent {
  type: 'run-error';
  code: IpcErrorCode;
  message: string;
}

export interface DiscoverPush {
  runId: string;
  event: DiscoveryEvent | RunErrorEvent | { type: 'saved'; historyId: string };
}
export interface AuthPush {
  runId: string;
  event: AuthEvent | RunErrorEvent | { type: 'saved'; historyId: string };
}
export interface DiagnosePush {
  runId: string;
  /** The engine's own event type (shared/diagnosis.ts); `done` carries the history id here. */
  event: DiagnosisEvent | RunErrorEvent;
}

/**
 * The engine met an unknown host key and asks the operator. Answer with
 * `auth.answerHostKey({ runId, promptId, accept })` before `expiresAt`; no answer = reject.
 * A *changed* key never prompts: the check stops (host-key step `ok: false`, reason `host-key-changed`; see `changedHostKey` in shared/authSteps.ts).
 * `runId` may be an auth run or a diagnosis run.
 */
export interface HostKeyPrompt {
  runId: string;
  promptId: string;
  host: string;
  port: number;
  hostKey: HostKeyInfo;
  timeoutMs: number;
  /** ISO time after which the prompt counts as rejected. */
  expiresAt: string;
}

/** The prompt is closed (answered, timed out, or its run ended): hide the dialog. */
export interface HostKeyPromptClosed {
  runId: string;
  promptId: string;
  accepted: boolean;
  by: 'user' | 'timeout' | 'run-ended';
}

// ---------------------------------------------------------------------------------------------
// The maps

export interface InvokeMap {
  'scanready:discover:start': { request: DiscoverRequestInput; result: RunStarted };
  'scanready:discover:cancel': { request: RunIdRequest; result: CancelResult };

  'scanready:auth:start': { request: AuthRequestInput; result: RunStarted };
  'scanready:auth:cancel': { request: RunIdRequest; result: CancelResult };
  'scanready:auth:answer-host-key': { request: HostKeyAnswer; result: { accepted: boolean } };

  'scanready:diagnose:start': { request: DiagnoseRequestInput; result: RunStarted };
  'scanready:diagnose:cancel': { request: RunIdRequest; result: CancelResult };

  'scanready:profiles:list': { request: null; result: ProfileEntry[] };
  'scanready:profiles:save': { request: DiscoveryProfileInput; result: ProfileEntry };
  'scanready:profiles:delete': { request: NameRequest; result: { deleted: boolean } };
  'scanready:profiles:import': { request: ProfileImportRequest; result: ProfileEntry[] };
  'scanready:profiles:export': { request: ProfileExportRequest; result: ProfileExport };

  'scanready:history:list': { request: HistoryQueryRequest | null; result: HistorySummary[] };
  'scanready:history:pin': { request: PinRequest; result: { pinned: boolean } };
  /** What the user must be told once: a damaged database moved aside (and where), the old JSON history imported. */
  'scanready:history:notices': { request: null; result: string[] };
  'scanready:history:get': { request: IdRequest; result: HistoryEntry };
  'scanready:history:delete': { request: IdRequest; result: { deleted: boolean } };
  'scanready:history:clear': { request: null; result: { deleted: number } };

  'scanready:settings:get': { request: null; result: Settings };
  'scanready:settings:update': { request: SettingsPatch; result: Settings };
  'scanready:settings:known-hosts': { request: null; result: KnownHost[] };
  'scanready:settings:forget-host-key': { request: ForgetHostKeyRequest; result: { deleted: boolean } };

  'scanready:credentials:status': { request: null; result: SecretStorageStatus };
  'scanready:credentials:save': { request: SaveCredentialRequest; result: { saved: true } };
  'scanready:credentials:load': { request: CredentialKeyRequest; result: SavedSecrets | null };
  'scanready:credentials:forget': { request: CredentialKeyRequest; result: { deleted: boolean } };

  'scanready:app:info': { request: null; result: AppInfo };
  'scanready:app:privilege': { request: null; result: PrivilegeStatus };
  'scanready:app:open-external': { request: OpenExternalRequest; result: OpenExternalResult };

  'scanready:bundle:export': { request: BundleExportRequest; result: BundleExport };
  'scanready:bundle:import': { request: BundleImportRequest; result: BundleImported };
  /** Desktop app only: the native save dialog, then the bundle is written there (null: cancelled). */
  'scanready:bundle:save-as': { request: BundleExportRequest; result: { file: string | null } };
  /** Desktop app only: the native open dialog, then the bundle is kept in History (null: cancelled). */
  'scanready:bundle:open': { request: null; result: BundleImported | null };
}

export interface PushMap {
  'scanready:discover:event': DiscoverPush;
  'scanready:auth:event': AuthPush;
  'scanready:auth:host-key-prompt': HostKeyPrompt;
  'scanready:auth:host-key-closed': HostKeyPromptClosed;
  'scanready:diagnose:event': DiagnosePush;
  'scanready:profiles:changed': { names: string[] };
  'scanready:history:changed': { ids: string[] };
  'scanready:settings:changed': Settings;
  'scanready:app:menu': AppMenuAction;
}

export type InvokeChannel = keyof InvokeMap;
export type PushChannel = keyof PushMap;
export type InvokeRequest<C extends InvokeChannel> = InvokeMap[C]['request'];
export type InvokeValue<C extends InvokeChannel> = InvokeMap[C]['result'];

/** Every invoke channel, for main's registration and the web server's routing (kept in sync by a type check). */
export const INVOKE_CHANNELS = [
  'scanready:discover:start',
  'scanready:discover:cancel',
  'scanready:auth:start',
  'scanready:auth:cancel',
  'scanready:auth:answer-host-key',
  'scanready:diagnose:start',
  'scanready:diagnose:cancel',
  'scanready:profiles:list',
  'scanready:profiles:save',
  'scanready:profiles:delete',
  'scanready:profiles:import',
  'scanready:profiles:export',
  'scanready:history:list',
  'scanready:history:pin',
  'scanready:history:notices',
  'scanready:history:get',
  'scanready:history:delete',
  'scanready:history:clear',
  'scanready:settings:get',
  'scanready:settings:update',
  'scanready:settings:known-hosts',
  'scanready:settings:forget-host-key',
  'scanready:credentials:status',
  'scanready:credentials:save',
  'scanready:credentials:load',
  'scanready:credentials:forget',
  'scanready:app:info',
  'scanready:app:privilege',
  'scanready:app:open-external',
  'scanready:bundle:export',
  'scanready:bundle:import',
  'scanready:bundle:save-as',
  'scanready:bundle:open',
] as const satisfies readonly InvokeChannel[];

export const PUSH_CHANNELS = [
  'scanready:discover:event',
  'scanready:auth:event',
  'scanready:auth:host-key-prompt',
  'scanready:auth:host-key-closed',
  'scanready:diagnose:event',
  'scanready:profiles:changed',
  'scanready:history:changed',
  'scanready:settings:changed',
  'scanready:app:menu',
] as const satisfies readonly PushChannel[];

// Compile-time: the arrays above list every channel of the maps (adding a channel to a map
// without listing it fails the type check here).
type MissingInvoke = Exclude<InvokeChannel, (typeof INVOKE_CHANNELS)[number]>;
type MissingPush = Exclude<PushChannel, (typeof PUSH_CHANNELS)[number]>;
const _allInvokeListed: MissingInvoke extends never ? true : MissingInvoke = true;
const _allPushListed: MissingPush extends never ? true : MissingPush = true;
void _allInvokeListed;
void _allPushListed;

export function isInvokeChannel(value: string): value is InvokeChannel {
  return (INVOKE_CHANNELS as readonly string[]).includes(value);
}
export function isPushChannel(value: string): value is PushChannel {
  return (PUSH_CHANNELS as readonly string[]).includes(value);
}

// ---------------------------------------------------------------------------------------------
// The client-side API (window.api)

export type Unsubscribe = () => void;
type R<C extends InvokeChannel> = Promise<IpcResult<InvokeValue<C>>>;
type On<P extends PushChannel> = (handler: (payload: PushMap[P]) => void) => Unsubscribe;

/** What the renderer holds. Built by `createApiClient` (shared/ipc-client.ts) over IPC or HTTP/WS. */
export interface ScanReadyApi {
  discover: {
    start(request: DiscoverRequestInput): R<'scanready:discover:start'>;
    cancel(request: RunIdRequest): R<'scanready:discover:cancel'>;
    onEvent: On<'scanready:discover:event'>;
  };
  auth: {
    /** Secrets go in the request only; main never stores or logs them. */
    start(request: AuthRequestInput): R<'scanready:auth:start'>;
    cancel(request: RunIdRequest): R<'scanready:auth:cancel'>;
    answerHostKey(answer: HostKeyAnswer): R<'scanready:auth:answer-host-key'>;
    onEvent: On<'scanready:auth:event'>;
    onHostKeyPrompt: On<'scanready:auth:host-key-prompt'>;
    onHostKeyClosed: On<'scanready:auth:host-key-closed'>;
  };
  diagnose: {
    start(request: DiagnoseRequestInput): R<'scanready:diagnose:start'>;
    cancel(request: RunIdRequest): R<'scanready:diagnose:cancel'>;
    onEvent: On<'scanready:diagnose:event'>;
  };
  profiles: {
    list(): R<'scanready:profiles:list'>;
    save(profile: DiscoveryProfileInput): R<'scanready:profiles:save'>;
    delete(request: NameRequest): R<'scanready:profiles:delete'>;
    import(request: ProfileImportRequest): R<'scanready:profiles:import'>;
    export(request: ProfileExportRequest): R<'scanready:profiles:export'>;
    onChanged: On<'scanready:profiles:changed'>;
  };
  history: {
    list(query?: HistoryQueryRequest): R<'scanready:history:list'>;
    pin(request: PinRequest): R<'scanready:history:pin'>;
    notices(): R<'scanready:history:notices'>;
    get(request: IdRequest): R<'scanready:history:get'>;
    delete(request: IdRequest): R<'scanready:history:delete'>;
    clear(): R<'scanready:history:clear'>;
    onChanged: On<'scanready:history:changed'>;
  };
  settings: {
    get(): R<'scanready:settings:get'>;
    update(patch: SettingsPatch): R<'scanready:settings:update'>;
    knownHosts(): R<'scanready:settings:known-hosts'>;
    forgetHostKey(request: ForgetHostKeyRequest): R<'scanready:settings:forget-host-key'>;
    onChanged: On<'scanready:settings:changed'>;
  };
  /** "Remember" for credential sets: encrypted by the OS or refused (see SecretStorageStatus). */
  credentials: {
    status(): R<'scanready:credentials:status'>;
    save(request: SaveCredentialRequest): R<'scanready:credentials:save'>;
    load(request: CredentialKeyRequest): R<'scanready:credentials:load'>;
    forget(request: CredentialKeyRequest): R<'scanready:credentials:forget'>;
  };
  app: {
    info(): R<'scanready:app:info'>;
    privilege(): R<'scanready:app:privilege'>;
    /** Allow-listed https links only (EXTERNAL_LINK_ORIGINS in shared/requests.ts). */
    openExternal(request: OpenExternalRequest): R<'scanready:app:open-external'>;
    /** The desktop app's File menu (Export bundle…, Import bundle…). */
    onMenu: On<'scanready:app:menu'>;
  };
  /** Debug bundles: export a stored run, open a bundle into History. */
  bundle: {
    export(request: BundleExportRequest): R<'scanready:bundle:export'>;
    import(request: BundleImportRequest): R<'scanready:bundle:import'>;
    saveAs(request: BundleExportRequest): R<'scanready:bundle:save-as'>;
    open(): R<'scanready:bundle:open'>;
  };
}

/**
 * What createApiClient needs: one way to call, one way to listen. Implemented by the preload
 * (ipcRenderer, never exposed itself) and by shared/web-transport.ts (fetch + WebSocket).
 */
export interface ApiTransport {
  invoke<C extends InvokeChannel>(channel: C, payload: InvokeRequest<C>): Promise<IpcResult<InvokeValue<C>>>;
  subscribe<P extends PushChannel>(channel: P, handler: (payload: PushMap[P]) => void): Unsubscribe;
}
