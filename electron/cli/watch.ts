/**
 * `scanready watch TARGET`: the same probes every interval, printing only what changed — per probe
 * `before → after` and the verdict when it turns. For proving a firewall change while it is made.
 * Exit status: 0 when `--until` was met (or the watch ended by its cap without `--until`), 1 when
 * the cap ended it before `--until` was met, 2 bad input, 3 runtime failure, 130 Ctrl-C (after a
 * summary of every change).
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { ProbeChange } from '../../shared/compare.js';
import { inertDeep, inertText } from '../../shared/inertText.js';
import { VERDICT_LABEL } from '../../shared/labels.js';
import { planTargets, type ResolvedTarget } from '../targets/index.js';
import { action, addDiscoverOptions, CliError, EXIT, interruptible, resolveProfile, type DiscoverCliOptions } from './common.js';
import { colourEnabled, makeStyle, type Style } from './format.js';

interface WatchCliOptions extends DiscoverCliOptions {
  interval: number;
  until?: 'alive' | 'change';
  cap: number;
  json?: boolean;
}

function secondsOption(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !Number.isFinite(n) || n < 1 || n > 3600) {
    throw new InvalidArgumentError('must be a number of seconds from 1 to 3600');
  }
  return n;
}

function minutesOption(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !Number.isFinite(n) || n <= 0 || n > 24 * 60) {
    throw new InvalidArgumentError('must be a number of minutes from 0 to 1440');
  }
  return n;
}

/** Options and action of `watch` (name, arguments and description: commands.ts). */
export function defineWatch(cmd: Command): void {
  addDiscoverOptions(cmd)
    .option('--interval <seconds>', 'seconds between the starts of two rounds (at least 1; a longer round delays the next)', secondsOption, 5)
    .addOption(new Option('--until <event>', 'stop at the first round where the host is alive, or at the first change').choices(['alive', 'change']))
    .option('--cap <minutes>', 'stop after this many minutes in any case', minutesOption, 30)
    .option('--json', 'NDJSON: one object per round {type:"round", round, verdict, alive, changes:[{probe, before, after}]}, then {type:"summary"}')
    .addHelpText(
      'after',
      '\nOnly changes are printed: `TCP SYN 80: no response → RST (closed, alive) from 198.51.100.7`.\n' +
        'Exit status: 0 --until met (or the cap ended a watch without --until), 1 the cap came first,\n' +
        '2 bad input, 3 runtime failure, 130 Ctrl-C (after a summary of every change).',
    )
    .action(action((target: string, opts: WatchCliOptions) => runWatch(target, opts)));
}

function changeLine(c: ProbeChange, style: Style): string {
  const after = c.aliveAfter ? style.green(inertText(c.after)) : c.aliveBefore ? style.red(inertText(c.after)) : inertText(c.after);
  return `  ${inertText(c.probe)}: ${inertText(c.before)} → ${after}`;
}

function clock(iso: string): string {
  return iso.slice(11, 19);
}

async function runWatch(target: string, opts: WatchCliOptions): Promise<number> {
  if (opts.targetsFile !== undefined) throw new CliError('watch takes one target, not --targets-file');
  const plan = await planTargets([target], { force: false });
  if (plan.total !== 1) throw new CliError(`watch takes one host; "${inertText(target)}" is ${plan.total} addresses (use discover for sweeps)`);
  const first = plan[Symbol.iterator]().next();
  if (first.done === true) throw new CliError(`"${inertText(target)}" gave no address`);
  const resolved: ResolvedTarget = first.value;
  const profile = await resolveProfile(opts);
  const { watchHost, WatchError } = await import('../watch/index.js');
  const { canUseRawSockets } = await import('../probes/index.js');
  const json = opts.json === true;
  const style = makeStyle(colourEnabled(process.stdout));
  const err = makeStyle(colourEnabled(process.stderr));
  const mode = opts.unprivileged === true ? 'unprivileged' : 'auto';
  const privileged = mode === 'auto' && canUseRawSockets();
  const run = interruptible();
  let watch: ReturnType<typeof watchHost>;
  try {
    watch = watchHost(resolved, {
      profile,
      mode,
      intervalMs: Math.round(opts.interval * 1000),
      capMs: Math.round(opts.cap * 60_000),
      signal: run.signal,
      ...(opts.until ? { until: opts.until } : {}),
      ...(opts.rate !== undefined ? { ratePps: opts.rate } : {}),
    });
  } catch (e) {
    run.dispose();
    if (e instanceof WatchError) throw new CliError(e.message);
    throw e;
  }
  const name = resolved.target === resolved.address ? resolved.address : `${resolved.target} (${resolved.address})`;
  if (!json) {
    const until = opts.until === 'alive' ? ' until it is alive' : opts.until === 'change' ? ' until something changes' : '';
    process.stdout.write(
      `Watching ${style.bold(inertText(name))} with ${inertText(profile.name)}, a round every ${opts.interval} s${until} (at most ${opts.cap} min). Ctrl-C stops.\n`,
    );
    if (!privileged) {
      process.stderr.write(`${err.yellow('note:')} no raw-socket privilege: SYN probes use connect(), ICMP the system ping; ACK and SYN-ACK probes are not sent.\n`);
    }
  }
  const tty = !json && process.stdout.isTTY === true;
  let transient = false;
  const clearTransient = (): void => {
    if (transient) process.stdout.write('\r\x1b[2K');
    transient = false;
  };
  try {
    for await (const r of watch.rounds) {
      if (json) {
        const changes = r.changes.map((c) => ({ probe: c.probe, before: c.before, after: c.after }));
        process.stdout.write(
          `${JSON.stringify(inertDeep({ type: 'round', round: r.round, startedAt: r.startedAt, verdict: r.verdict, alive: r.alive, ...(r.verdictBefore ? { verdictBefore: r.verdictBefore } : {}), changes }))}\n`,
        );
        continue;
      }
      const answered = r.host.probes.filter((p) => p.countsAsAlive).length;
      if (r.round === 1) {
        process.stdout.write(
          `round 1  ${clock(r.startedAt)}  ${style.bold(VERDICT_LABEL[r.verdict])} — ${answered} of ${r.host.probes.length} probes answered as a scanner counts them\n`,
        );
        continue;
      }
      if (r.changes.length === 0 && !r.verdictBefore) {
        if (tty) {
          clearTransient();
          process.stdout.write(style.dim(`round ${r.round}  ${clock(r.startedAt)}  no change`));
          transient = true;
        }
        continue;
      }
      clearTransient();
      const verdict = r.verdictBefore ? `${VERDICT_LABEL[r.verdictBefore]} → ${style.bold(VERDICT_LABEL[r.verdict])}` : `${VERDICT_LABEL[r.verdict]} (unchanged)`;
      process.stdout.write(`round ${r.round}  ${clock(r.startedAt)}  ${verdict}\n`);
      for (const c of r.changes) process.stdout.write(`${changeLine(c, style)}\n`);
    }
  } finally {
    run.dispose();
    clearTransient();
  }
  const s = watch.summary();
  if (json) {
    process.stdout.write(
      `${JSON.stringify(inertDeep({ type: 'summary', rounds: s.rounds, stoppedBy: s.stoppedBy, verdict: s.last?.verdict ?? null, verdictChanges: s.verdictChanges, changes: s.changes.map((c) => ({ round: c.round, probe: c.probe, before: c.before, after: c.after })) }))}\n`,
    );
  } else {
    const why = { alive: 'the host is alive', change: 'something changed', cancelled: 'interrupted', cap: `the ${opts.cap} min cap`, rounds: 'the round limit' }[s.stoppedBy];
    process.stdout.write(`\nStopped after ${s.rounds} round${s.rounds === 1 ? '' : 's'}: ${why}.`);
    if (s.changes.length === 0 && s.verdictChanges.length === 0) process.stdout.write(' Nothing changed.\n');
    else {
      process.stdout.write(` ${s.changes.length} probe change${s.changes.length === 1 ? '' : 's'}:\n`);
      for (const v of s.verdictChanges) process.stdout.write(`  round ${v.round}: verdict ${VERDICT_LABEL[v.before]} → ${VERDICT_LABEL[v.after]}\n`);
      for (const c of s.changes) process.stdout.write(`  round ${c.round}: ${inertText(c.probe)}: ${inertText(c.before)} → ${inertText(c.after)}\n`);
    }
  }
  if (s.stoppedBy === 'cancelled') return EXIT.interrupted;
  if (s.stoppedBy === 'alive' || s.stoppedBy === 'change') return EXIT.ok;
  return opts.until ? EXIT.notOk : EXIT.ok;
}
