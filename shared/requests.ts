/**
 * Runtime schemas for every request that crosses the IPC / web boundary.
 * Main (and the web server) validates with these before anything runs; the renderer may
 * use them to pre-check forms. Pure zod: no node, electron or DOM imports.
 */
import { z } from 'zod';
import { DEFAULT_RATE_PPS } from './rate.js';
import { authRequestSchema } from './auth.js';
import { DEFAULT_PROFILE_NAME, profileSchema } from './profiles.js';
import { HISTORY_ID_RE } from './historyId.js';

const port = z.number().int().min(1, 'port must be 1-65535').max(65535, 'port must be 1-65535');

/** One raw target entry as the user typed it: address, hostname, CIDR, range. Main parses it. */
const targetEntry = z.string().trim().min(1, 'empty target').max(1000, 'target entry too long');

/** A profile by name (built-in or saved custom) or a whole profile inline (unsaved edits). */
export const profileRefSchema = z.union([z.string().trim().min(1).max(80), profileSchema]);
export type ProfileRef = z.infer<typeof profileRefSchema>;

/** Per-run changes on top of the chosen profile (the CLI's --tcp/--udp/--no-icmp/--timeout/--retries/--rate). */
export const discoverOverridesSchema = z
  .object({
    /** Replaces the profile's TCP SYN ports. */
    tcp: z.array(port).max(1000).optional(),
    /** Replaces the profile's UDP ports. */
    udp: z.array(port).max(1000).optional(),
    /** false turns ICMP echo off (like --no-icmp). */
    icmp: z.boolean().optional(),
    timeoutMs: z.number().int().min(50).max(60_000).optional(),
    retries: z.number().int().min(0).max(10).optional(),
    /** Packet rate limit for sweeps, packets per second. */
    ratePps: z.number().int().min(1).max(100_000).optional(),
  })
  .strict();
export type DiscoverOverrides = z.infer<typeof discoverOverridesSchema>;

/**
 * How probes that need a raw socket are sent.
 * - `auto`: raw when this process may open raw sockets, else the unprivileged fallbacks.
 * - `raw`: raw sockets or fail.
 * - `unprivileged`: never raw (fallbacks only), even as root.
 */
export const PROBE_MODES = ['auto', 'raw', 'unprivileged'] as const;
export type ProbeMode = (typeof PROBE_MODES)[number];

const discoverFields = {
  profile: profileRefSchema.default(DEFAULT_PROFILE_NAME),
  overrides: discoverOverridesSchema.default({}),
  /** Allow ranges larger than a /16. */
  force: z.boolean().default(false),
  mode: z.enum(PROBE_MODES).default('auto'),
  /**
   * Run the probe engine through the OS elevation prompt (pkexec / macOS admin prompt / UAC)
   * for this run only ("Run privileged probes").
   */
  elevate: z.boolean().default(false),
};

export const discoverRequestSchema = z
  .object({
    /** Raw entries (one target, range or CIDR each; lines of a pasted file are fine: `#` comments are dropped). */
    targets: z.array(targetEntry).min(1, 'give at least one target').max(10_000, 'too many target entries (max 10000)'),
    ...discoverFields,
  })
  .strict();
export type DiscoverRequest = z.infer<typeof discoverRequestSchema>;
export type DiscoverRequestInput = z.input<typeof discoverRequestSchema>;

/** Watch one host: the same probes every interval until alive / a change / Cancel / the cap. */
export const watchRequestSchema = z
  .object({
    target: targetEntry,
    profile: discoverFields.profile,
    overrides: discoverFields.overrides,
    mode: discoverFields.mode,
    /** Between the starts of two rounds (a longer round delays the next; rounds never overlap). */
    intervalMs: z.number().int().min(1000, 'the interval must be at least 1 s').max(3_600_000).default(5000),
    until: z.enum(['alive', 'change']).optional(),
    /** The watch stops by itself after this long (default 30 min). */
    capMs: z.number().int().min(1000).max(24 * 3_600_000).default(30 * 60_000),
    /** Stop after this many rounds (1: a single re-check). */
    rounds: z.number().int().min(1).max(100_000).optional(),
  })
  .strict();
export type WatchRequest = z.infer<typeof watchRequestSchema>;
export type WatchRequestInput = z.input<typeof watchRequestSchema>;

/** Two History runs to compare (A the earlier). */
export const compareRequestSchema = z
  .object({
    a: z.string().regex(HISTORY_ID_RE, 'not a History id'),
    b: z.string().regex(HISTORY_ID_RE, 'not a History id'),
  })
  .strict();
export type CompareRequest = z.infer<typeof compareRequestSchema>;

/** Credentials for the diagnosis' credential check: the auth request minus `host` (the diagnosis target is the host). */
export const diagnoseAuthSchema = authRequestSchema.omit({ host: true });
export type DiagnoseAuth = z.infer<typeof diagnoseAuthSchema>;

export const diagnoseRequestSchema = z
  .object({
    /** One host: address or hostname (a diagnosis is about one host; sweeps use discover). */
    target: targetEntry,
    ...discoverFields,
    /** The scanner appliance's addresses, used in firewall rules; empty → this machine's source address. */
    scannerIps: z.array(z.union([z.ipv4(), z.ipv6()], { error: 'scanner IP must be an IPv4 or IPv6 address' })).max(32).default([]),
    /** Trace the path when the host is not alive. */
    trace: z.boolean().default(true),
    /** Look for any answering port when the profile's probes get nothing. */
    portFinder: z.boolean().default(true),
    /** Credential check after discovery; omitted → none. */
    auth: diagnoseAuthSchema.optional(),
  })
  .strict();
export type DiagnoseRequest = z.infer<typeof diagnoseRequestSchema>;
export type DiagnoseRequestInput = z.input<typeof diagnoseRequestSchema>;

/** Run ids are UUIDs made by main. */
export const runIdSchema = z.object({ runId: z.string().min(1).max(100) }).strict();
export type RunIdRequest = z.infer<typeof runIdSchema>;

export const hostKeyAnswerSchema = z
  .object({
    runId: z.string().min(1).max(100),
    promptId: z.string().min(1).max(100),
    accept: z.boolean(),
  })
  .strict();
export type HostKeyAnswer = z.infer<typeof hostKeyAnswerSchema>;

export const nameRequestSchema = z.object({ name: z.string().trim().min(1).max(80) }).strict();
export type NameRequest = z.infer<typeof nameRequestSchema>;

export const profileImportSchema = z
  .object({
    /** File contents: one profile, an array of profiles, or `{ "profiles": [...] }`. */
    json: z.string().min(1, 'the file is empty').max(2_000_000, 'the file is too large (max 2 MB)'),
    /** Replace custom profiles with the same name (built-ins are never replaced). */
    overwrite: z.boolean().default(false),
  })
  .strict();
export type ProfileImportRequest = z.input<typeof profileImportSchema>;

export const profileExportSchema = z
  .object({
    /** Profiles to export (built-in or custom); omitted → every custom profile. */
    names: z.array(z.string().trim().min(1).max(80)).max(1000).optional(),
  })
  .strict();
export type ProfileExportRequest = z.input<typeof profileExportSchema>;

export const idRequestSchema = z.object({ id: z.string().regex(HISTORY_ID_RE, 'bad history id') }).strict();
export type IdRequest = z.infer<typeof idRequestSchema>;

/** Debug bundles from the app: a stored run, optionally with host names and addresses replaced. */
export const bundleExportSchema = z.object({ id: idRequestSchema.shape.id, redactHosts: z.boolean().default(false) }).strict();
export type BundleExportRequest = z.input<typeof bundleExportSchema>;
/** The most a bundle sent by the UI (upload, drag and drop) may be, base64 included: under web mode's request cap. */
export const MAX_BUNDLE_UPLOAD_BASE64 = 7 * 1024 * 1024;
export const bundleImportSchema = z
  .object({
    fileName: z.string().min(1).max(1000),
    /** The file's bytes, base64. */
    data: z.string().max(MAX_BUNDLE_UPLOAD_BASE64, 'the bundle is too large to send from the page (over about 5 MB): use `scanready show` or the desktop app').regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64'),
  })
  .strict();
export type BundleImportRequest = z.input<typeof bundleImportSchema>;

export const HISTORY_KINDS = ['diagnosis', 'discovery', 'auth'] as const;

/** History search: every field optional; dates are ISO times, `YYYY-MM-DD`, or `7d` / `12h` back from now. */
export const historyQuerySchema = z
  .object({
    target: z.string().max(255).optional(),
    kind: z.enum(HISTORY_KINDS).optional(),
    /** A verdict (`not-alive`, …) or a credential status (`failed`, …). */
    verdict: z.string().regex(/^[a-z-]{1,40}$/, 'bad verdict').optional(),
    profile: z.string().max(80).optional(),
    since: z.string().max(40).optional(),
    until: z.string().max(40).optional(),
    pinned: z.boolean().optional(),
    limit: z.number().int().min(1).max(5000).optional(),
    offset: z.number().int().min(0).max(10_000_000).optional(),
  })
  .strict();
export type HistoryQueryRequest = z.infer<typeof historyQuerySchema>;

export const pinRequestSchema = z.object({ id: idRequestSchema.shape.id, pinned: z.boolean() }).strict();
export type PinRequest = z.infer<typeof pinRequestSchema>;

export const THEMES = ['system', 'light', 'dark'] as const;

/** Settings persisted by main. All fields always present when read; `settings.update` takes any subset. */
const settingsShape = {
  theme: z.enum(THEMES),
  /** Profile preselected in new runs. */
  defaultProfile: z.string().trim().min(1).max(80),
  /** Scanner appliance addresses prefilled in diagnoses. */
  scannerIps: z.array(z.union([z.ipv4(), z.ipv6()], { error: 'scanner IP must be an IPv4 or IPv6 address' })).max(32),
  /** History retention: runs older than this many days are deleted (pinned runs are kept); null = no age limit. */
  historyKeepDays: z.number().int().min(1).max(36_500).nullable(),
  /** History retention: the oldest unpinned runs are deleted while history is larger than this; null = no size limit. */
  historyKeepMB: z.number().int().min(1).max(1_000_000).nullable(),
  /** Default packet rate for sweeps. */
  ratePps: z.number().int().min(1).max(100_000),
  /** How long a host-key prompt waits for an answer before it counts as "reject". */
  hostKeyPromptTimeoutMs: z.number().int().min(5_000).max(600_000),
};
export const settingsSchema = z.object(settingsShape).strict();
export type Settings = z.infer<typeof settingsSchema>;
export const settingsPatchSchema = z.object(settingsShape).partial().strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

export const DEFAULT_SETTINGS: Settings = {
  theme: 'system',
  defaultProfile: DEFAULT_PROFILE_NAME,
  scannerIps: [],
  historyKeepDays: 90,
  historyKeepMB: 500,
  ratePps: DEFAULT_RATE_PPS,
  hostKeyPromptTimeoutMs: 120_000,
};

export const forgetHostKeySchema = z
  .object({ host: z.string().trim().min(1).max(255), port: port.default(22) })
  .strict();
export type ForgetHostKeyRequest = z.input<typeof forgetHostKeySchema>;

/** Which saved credential set: one per user at host:port. */
export const credentialKeySchema = z
  .object({ host: z.string().trim().min(1).max(255), port: port.default(22), user: z.string().min(1).max(128) })
  .strict();
export type CredentialKeyRequest = z.input<typeof credentialKeySchema>;

/** "Remember" for one credential set: the secrets are kept only encrypted by the OS (Electron safeStorage). */
export const saveCredentialSchema = credentialKeySchema
  .extend({
    password: z.string().max(4096).optional(),
    privateKey: z.string().max(65536).optional(),
    passphrase: z.string().max(4096).optional(),
    delegationPassword: z.string().max(4096).optional(),
  })
  .strict();
export type SaveCredentialRequest = z.input<typeof saveCredentialSchema>;

/**
 * External links the app may open (in the OS browser). Everything else is refused.
 * Matched by origin; the UI renders them as ordinary links (`target="_blank"`).
 */
export const EXTERNAL_LINK_ORIGINS: readonly string[] = [
  'https://github.com',
  'https://nmap.org',
  'https://docs.qualys.com',
  'https://qualysguard.qualys.com',
  'https://success.qualys.com',
  'https://www.tenable.com',
  'https://docs.tenable.com',
  'https://docs.greenbone.net',
  'https://greenbone.github.io',
  'https://wiki.nftables.org',
  'https://learn.microsoft.com',
  'https://man7.org',
];

export const openExternalSchema = z
  .object({
    url: z
      .string()
      .max(2000)
      .refine((u) => isAllowedExternalUrl(u), { message: 'this link is not on the list of sites ScanReady may open' }),
  })
  .strict();
export type OpenExternalRequest = z.infer<typeof openExternalSchema>;

/** True for an https URL whose origin is on the allow-list (no credentials in the URL). */
export function isAllowedExternalUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '') return false;
  return EXTERNAL_LINK_ORIGINS.includes(url.origin);
}

/** Turns a zod error into one plain-words line: `field: problem; field: problem`. */
export function describeZodError(error: z.ZodError): string {
  const parts = error.issues.slice(0, 5).map((issue) => {
    const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '';
    return where ? `${where}: ${issue.message}` : issue.message;
  });
  if (error.issues.length > 5) parts.push(`and ${error.issues.length - 5} more problems`);
  return parts.join('; ');
}

/** Scan-account names: refused with control characters or line breaks (the auth and diagnose schemas use it). */
export { unixUserProblem } from './unixUser.js';
export { unixUserSchema } from './auth.js';
