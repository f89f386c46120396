/**
 * `scanready export HISTORY_ID FILE`: a debug bundle of a stored run (the app's and web mode's
 * history, in SCANREADY_USER_DATA or the OS default) — exactly what was saved, never a new probe.
 */
import type { Command } from 'commander';
import { writeBundleFromHistory } from '../bundle/export.js';
import { defaultUserDataDir } from '../service/paths.js';
import { action, CliError, EXIT } from './common.js';

/** Options and action of `scanready export` (name and arguments: commands.ts). */
export function defineExport(cmd: Command): void {
  cmd
    .option('--user-data <dir>', `where the app keeps its data (default ${defaultUserDataDir()})`)
    .option('--redact-hosts', 'replace host names and addresses with placeholders (host-1, hop-2) in every file, the pcap included')
    .action(action((id: string, file: string, opts: { userData?: string; redactHosts?: boolean }) => runExport(id, file, opts)));
}

async function runExport(id: string, file: string, opts: { userData?: string; redactHosts?: boolean }): Promise<number> {
  try {
    const written = await writeBundleFromHistory(opts.userData ?? defaultUserDataDir(), id, file, { redactHosts: opts.redactHosts === true });
    process.stderr.write(`bundle written: ${written.file}\n`);
    return EXIT.ok;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'bad-input' || code === 'not-found') throw new CliError((err as Error).message, EXIT.badInput);
    throw new CliError((err as Error).message, EXIT.runtime);
  }
}
