/**
 * Names, arguments and one-line descriptions of the `scanready` commands — everything the
 * top-level `--help` shows — and where each command's module is. Nothing heavy is imported here:
 * a command's module (its options, validation and engine) loads only when that command runs or
 * its own help is asked for (see program.ts). A new command adds one entry.
 */
import type { Command } from 'commander';
import type { ServeContext } from './serve.js';

export interface CommandContext {
  serve?: ServeContext;
}

export interface CommandSpec {
  name: string;
  description: string;
  /** commander argument specs: [syntax, description]. */
  args: readonly (readonly [string, string])[];
  /** Not listed in `--help` (internal commands). */
  hidden?: boolean;
  /** Loads the module and adds the command's options and action to `cmd` (created from this spec). */
  load: () => Promise<(cmd: Command, ctx: CommandContext) => void>;
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'discover',
    description: "send the scanner's host-discovery probes and give its verdict (alive / not alive) with the evidence",
    args: [['[targets...]', 'IP addresses, host names, CIDR (10.0.0.0/24) or ranges (10.0.0.5-40)']],
    load: async () => (await import('./discover.js')).defineDiscover,
  },
  {
    name: 'auth',
    description: 'check SSH credentials the way an authenticated Unix scan uses them: login, root delegation, /tmp, sessions, sudo rules',
    args: [['<host>', 'address or name of the target']],
    load: async () => (await import('./auth.js')).defineAuth,
  },
  {
    name: 'diagnose',
    description:
      'why is this host "not alive" (or why do its credentials fail)? probes, traces the path, looks for an answering port, checks credentials, and says what to change',
    args: [['<target>', 'one IP address or host name']],
    load: async () => (await import('./diagnose.js')).defineDiagnose,
  },
  {
    name: 'triage',
    description:
      'the hosts a scan called not alive (Qualys scan summary or CSV, Nmap XML, or a list): probe them all, group them by cause, one fix per group',
    args: [['<inputs...>', 'scan reports or lists (files), and/or targets (addresses, CIDR, ranges)']],
    load: async () => (await import('./triage.js')).defineTriage,
  },
  {
    name: 'watch',
    description: 'send the same probes every few seconds and print only what changed (per probe before → after, and the verdict): proves a firewall change as it is made',
    args: [['<target>', 'one IP address or host name']],
    load: async () => (await import('./watch.js')).defineWatch,
  },
  {
    name: 'compare',
    description: 'what changed between two runs (History ids or bundle files): probe by probe, the verdict, the path and the credential steps',
    args: [
      ['<a>', 'the earlier run: a History id or a bundle (.zip)'],
      ['<b>', 'the later run'],
    ],
    load: async () => (await import('./compare.js')).defineCompare,
  },
  {
    name: 'serve',
    description: 'web mode: serve the ScanReady UI and API on this machine (loopback only by default) with a per-run access token',
    args: [],
    load: async () => (await import('./serve.js')).defineServe,
  },
  {
    name: 'history',
    description: 'list the runs stored by the app, web mode and the CLI (newest first), filtered by target, kind, verdict, profile or date; `history show ID` prints one again',
    args: [],
    load: async () => (await import('./history.js')).defineHistory,
  },
  {
    name: 'export',
    description: 'write a debug bundle (ZIP, secrets redacted) of a run kept in History, without probing again',
    args: [
      ['<history-id>', 'the History entry (see `scanready history` or the app\'s History)'],
      ['<file>', 'the bundle to write (.zip); an existing file is not replaced'],
    ],
    load: async () => (await import('./export.js')).defineExport,
  },
  {
    name: 'show',
    description: 'print what a debug bundle holds, as the command that made it printed it (nothing is probed)',
    args: [['<file>', 'a bundle (.zip) written by --bundle or `scanready export`']],
    load: async () => (await import('./show.js')).defineShow,
  },
  {
    // Spelled here, not imported from helperProtocol.ts, so `--help` loads nothing of the service.
    name: 'privileged-helper',
    description: 'internal: the elevated probe helper behind "Run privileged probes" (request on stdin, NDJSON on stdout)',
    args: [],
    hidden: true,
    load: async () => (await import('./helper.js')).defineHelper,
  },
];

/** Adds the command named by `spec` to `program`, with its arguments and description only. */
export function addCommand(program: Command, spec: CommandSpec): Command {
  const cmd = program.command(spec.name, spec.hidden ? { hidden: true } : {}).description(spec.description);
  for (const [syntax, description] of spec.args) cmd.argument(syntax, description);
  return cmd;
}
