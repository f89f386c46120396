/**
 * `scanready show FILE`: a debug bundle read back — the same human output as the command that
 * made it (`--json`: its result.json). Nothing is probed, nothing is written.
 */
import type { Command } from 'commander';
import { readBundle } from '../bundle/read.js';
import { formatStep, formatSummary as formatAuthSummary } from './auth.js';
import { action, CliError, EXIT } from './common.js';
import { formatDiagnosis } from './diagnose.js';
import { colourEnabled, formatHost, makeStyle } from './format.js';

/** Options and action of `scanready show` (name and arguments: commands.ts). */
export function defineShow(cmd: Command): void {
  cmd
    .option('--json', 'print the bundle\'s result.json')
    .action(action((file: string, opts: { json?: boolean }) => runShow(file, opts)));
}

async function runShow(file: string, opts: { json?: boolean }): Promise<number> {
  let bundle;
  try {
    bundle = await readBundle(file);
  } catch (err) {
    throw new CliError((err as Error).message, EXIT.badInput);
  }
  if (opts.json === true) {
    process.stdout.write(`${JSON.stringify(bundle.result, null, 2)}\n`);
    return EXIT.ok;
  }
  const style = makeStyle(colourEnabled(process.stdout));
  const r = bundle.result;
  process.stdout.write(style.dim(`bundle ${file}: made ${r.createdAt}${r.source ? ` from ${r.source}` : ''}\n\n`));
  for (const d of r.diagnoses) process.stdout.write(formatDiagnosis(d, style, 1000));
  for (const h of r.discoveries) process.stdout.write(`${formatHost(h, style)}\n\n`);
  for (const a of r.auth) {
    process.stdout.write(`${style.bold(`scanready auth ${a.user}@${a.host}:${a.port}`)}  delegation: ${a.delegation}\n`);
    for (const s of a.steps) process.stdout.write(`${formatStep(s, style)}\n`);
    process.stdout.write(`${formatAuthSummary(a, style)}\n`);
  }
  return EXIT.ok;
}
