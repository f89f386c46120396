/**
 * `scanready compare A B`: what changed between two runs — History ids or bundle files. Probe by
 * probe, the verdict, the path (hops that appeared or vanished) and the credential steps; for
 * sweeps, the hosts whose verdict turned. Exit status: 0 nothing changed, 1 something changed,
 * 2 bad input (an unknown id, an unreadable bundle).
 */
import type { Command } from 'commander';
import { compareRuns, hostUnchanged, type ComparableRun, type RunComparison } from '../../shared/compare.js';
import { inertDeep, inertText } from '../../shared/inertText.js';
import { STEP_LABEL, VERDICT_LABEL } from '../../shared/labels.js';
import { action, CliError, EXIT } from './common.js';
import { colourEnabled, makeStyle, type Style } from './format.js';

/** Options and action of `compare` (name, arguments and description: commands.ts). */
export function defineCompare(cmd: Command): void {
  cmd
    .option('--json', 'print the comparison as one JSON object')
    .addHelpText('after', '\nA and B: History ids (see `scanready history`) or bundle files (.zip).\nExit status: 0 nothing changed, 1 something changed, 2 bad input.')
    .action(action((a: string, b: string, opts: { json?: boolean }) => runCompare(a, b, opts)));
}

async function load(arg: string): Promise<ComparableRun> {
  const { sourceOf, runFromBundle, runFromHistory } = await import('../compare/index.js');
  const src = await sourceOf(arg);
  if (src.kind === 'history') {
    const { HistoryStore, HistoryError } = await import('../history/index.js');
    const { defaultUserDataDir } = await import('../service/paths.js');
    try {
      return runFromHistory(new HistoryStore(defaultUserDataDir()).get(src.id));
    } catch (err) {
      if (err instanceof HistoryError) throw new CliError(`${inertText(arg)}: ${err.message} (not a bundle file either)`);
      throw err;
    }
  }
  const { readBundle } = await import('../bundle/read.js');
  try {
    return runFromBundle(src.file, (await readBundle(src.file)).result);
  } catch (err) {
    throw new CliError((err as Error).message, EXIT.badInput);
  }
}

/** True when the comparison found nothing a scanner would see differently. */
export function nothingChanged(c: RunComparison): boolean {
  return (
    (c.host === null || hostUnchanged(c.host)) &&
    (c.path === null || (c.path.appeared.length === 0 && c.path.vanished.length === 0 && c.path.changed.length === 0 && c.path.reached.before === c.path.reached.after)) &&
    (c.auth === null || (c.auth.status === null && c.auth.steps.length === 0)) &&
    (c.sweep === null || (c.sweep.changed.length === 0 && c.sweep.onlyBefore.length === 0 && c.sweep.onlyAfter.length === 0))
  );
}

export function formatComparison(c: RunComparison, style: Style): string {
  const t = inertText;
  const lines: string[] = [];
  const side = (name: string, s: RunComparison['a']) => `${name}  ${t(s.label)}  ${t(s.target)}${s.startedAt ? `  ${s.startedAt.slice(0, 19).replace('T', ' ')}Z` : ''}`;
  lines.push(style.dim(side('A', c.a)), style.dim(side('B', c.b)));
  if (!c.sameTarget) lines.push(style.yellow('note: A and B are runs of different targets.'));
  lines.push('');
  if (c.host) {
    const v = c.host.verdict;
    lines.push(style.bold('Verdict: ') + (v ? `${VERDICT_LABEL[v.before]} → ${style.bold(VERDICT_LABEL[v.after])}` : `${VERDICT_LABEL[c.host.now]} (unchanged)`));
    if (c.host.address) lines.push(`Address: ${t(c.host.address.before)} → ${t(c.host.address.after)}`);
    if (c.host.probes.length === 0) lines.push('Probes: every probe got the same answer.');
    else {
      lines.push(`Probes that changed (${c.host.probes.length}):`);
      for (const p of c.host.probes) lines.push(`  ${t(p.probe)}: ${t(p.before)} → ${p.aliveAfter ? style.green(t(p.after)) : t(p.after)}`);
    }
  }
  if (c.path) {
    const p = c.path;
    const moved = p.appeared.length + p.vanished.length + p.changed.length;
    if (moved === 0 && p.reached.before === p.reached.after) lines.push('Path: the same hops.');
    else {
      lines.push(`Path: ${p.reached.before === p.reached.after ? (p.reached.after ? 'reaches the target in both' : 'does not reach the target in either') : p.reached.after ? 'now reaches the target' : 'no longer reaches the target'}`);
      for (const h of p.appeared) lines.push(`  hop ${h.ttl} appeared: ${t(h.after)}`);
      for (const h of p.vanished) lines.push(`  hop ${h.ttl} vanished: was ${t(h.before)}`);
      for (const h of p.changed) lines.push(`  hop ${h.ttl}: ${t(h.before)} → ${t(h.after)}`);
      if (p.blocking.before !== p.blocking.after) lines.push(`  blocking hop: ${t(p.blocking.before ?? 'none')} → ${t(p.blocking.after ?? 'none')}`);
    }
  }
  if (c.auth) {
    if (c.auth.status) lines.push(`Credentials: ${c.auth.status.before} → ${style.bold(c.auth.status.after)}`);
    else lines.push('Credentials: the same status.');
    for (const s of c.auth.steps) lines.push(`  ${STEP_LABEL[s.id]}: ${t(s.before)} → ${t(s.after)}`);
  }
  if (c.sweep) {
    const s = c.sweep;
    lines.push(`Hosts: ${s.changed.length} changed verdict, ${s.same} the same${s.onlyBefore.length ? `, ${s.onlyBefore.length} only in A` : ''}${s.onlyAfter.length ? `, ${s.onlyAfter.length} only in B` : ''}.`);
    for (const h of s.changed.slice(0, 200)) lines.push(`  ${t(h.address)}: ${VERDICT_LABEL[h.before]} → ${VERDICT_LABEL[h.after]}`);
    if (s.changed.length > 200) lines.push(style.dim(`  … and ${s.changed.length - 200} more (--json lists all)`));
  }
  return `${lines.join('\n')}\n`;
}

async function runCompare(a: string, b: string, opts: { json?: boolean }): Promise<number> {
  const [ra, rb] = [await load(a), await load(b)];
  const c = compareRuns(ra, rb);
  if (opts.json === true) process.stdout.write(`${JSON.stringify(inertDeep(c))}\n`);
  else process.stdout.write(formatComparison(c, makeStyle(colourEnabled(process.stdout))));
  return nothingChanged(c) ? EXIT.ok : EXIT.notOk;
}
