/**
 * `scanready discover`: the scanner's discovery probes against one or many targets.
 * The probe engine (raw sockets) and the bundle writer (zip) are imported when a run needs them,
 * so `--help` and bad input answer without loading them (see electron/cli/main.ts).
 */
import type { Command } from 'commander';
import type { HostResult } from '../../shared/discovery.js';
import { inertText } from '../../shared/inertText.js';
import { planTargets, readTargetsFile } from '../targets/index.js';
import { action, addDiscoverOptions, CliError, EXIT, interruptible, resolveProfile, type DiscoverCliOptions } from './common.js';
import { colourEnabled, formatDuration, formatHost, formatHostLine, makeStyle } from './format.js';

interface DiscoverOptions extends DiscoverCliOptions {
  json?: boolean;
  summary?: boolean;
  bundle?: string;
  redactHosts?: boolean;
}

/** Options and action of `discover` (name, arguments and description: commands.ts). */
export function defineDiscover(cmd: Command): void {
  addDiscoverOptions(cmd)
    .option('--summary', 'one line per host instead of the probe table')
    .option('--json', 'NDJSON: one object per host')
    .option('--bundle <file>', 'also write a debug bundle (ZIP, secrets redacted) for the scanner vendor\'s support')
    .option('--redact-hosts', 'in the bundle: replace host names and addresses with placeholders (host-1, hop-2)')
    .addHelpText(
      'after',
      '\nExit status: 0 all hosts alive, 1 some host not alive, 2 bad input, 3 runtime failure.',
    )
    .action(action((targets: string[], opts: DiscoverOptions) => runDiscover(targets, opts)));
}

async function runDiscover(targetArgs: string[], opts: DiscoverOptions): Promise<number> {
  const entries = [...targetArgs];
  if (opts.targetsFile !== undefined) entries.push(...(await readTargetsFile(opts.targetsFile)));
  if (entries.length === 0) throw new CliError('no targets: give at least one address, name, CIDR or range (or --targets-file)');
  // Targets first: a mistyped address is reported before the profile code (and zod) loads.
  // A lazy plan: validated and resolved now, expanded one host at a time by the sweep.
  const targets = await planTargets(entries, { force: opts.force === true });
  const profile = await resolveProfile(opts);
  const { profileWarnings } = await import('../../shared/profiles.js');
  const bundles = opts.bundle !== undefined ? await import('../bundle/index.js') : null;
  if (bundles && opts.bundle !== undefined) await bundles.checkBundleDestination(opts.bundle);
  const { canUseRawSockets, discover } = await import('../probes/index.js');

  const mode = opts.unprivileged === true ? 'unprivileged' : 'auto';
  const privileged = mode === 'auto' && canUseRawSockets();
  const style = makeStyle(colourEnabled(process.stdout));
  const progress = !opts.json && process.stdout.isTTY && targets.total > 1;
  const err = makeStyle(colourEnabled(process.stderr));

  if (!opts.json) {
    for (const w of profileWarnings(profile)) process.stderr.write(`${err.yellow('warning:')} ${inertText(w)}\n`);
    if (!privileged) {
      process.stderr.write(
        `${err.yellow('note:')} ${mode === 'unprivileged' ? 'unprivileged mode requested' : 'no raw-socket privilege'}: ` +
          'SYN probes use connect(), ICMP uses the system ping, ACK and SYN-ACK probes cannot be sent ' +
          '(run as root / with CAP_NET_RAW for the exact probes).\n',
      );
    }
  }

  const run = interruptible();

  // Only counts are kept per host; whole results only when a bundle will need them.
  const results: HostResult[] = [];
  let finished = 0;
  let alive = 0;
  let failed = 0;
  let lastProgress = '';
  const clearProgress = (): void => {
    if (lastProgress !== '') process.stdout.write('\r' + ' '.repeat(lastProgress.length) + '\r');
    lastProgress = '';
  };
  // Raw mode: the packets of the run, for the bundle's probes.pcap.
  const capture = bundles && opts.bundle !== undefined ? new bundles.PacketCapture() : null;
  try {
    for await (const ev of discover(targets, {
      profile,
      mode,
      ...(opts.rate !== undefined ? { ratePps: opts.rate } : {}),
      ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
      ...(capture ? { onPacket: capture.tap } : {}),
      signal: run.signal,
    })) {
      switch (ev.type) {
        case 'host-done':
          finished++;
          if (ev.result.alive) alive++;
          if (opts.bundle !== undefined) results.push(ev.result);
          if (opts.json) {
            process.stdout.write(JSON.stringify(ev.result) + '\n');
          } else {
            clearProgress();
            process.stdout.write((opts.summary === true ? formatHostLine(ev.result, style) : formatHost(ev.result, style) + '\n') + '\n');
          }
          break;
        case 'host-error':
          failed++;
          if (!opts.json) clearProgress();
          process.stderr.write(`scanready: ${inertText(`${ev.target}: ${ev.message}`)}\n`);
          break;
        case 'progress':
          if (progress) {
            const eta = ev.etaMs === null ? '' : `, about ${formatDuration(ev.etaMs)} left`;
            const line = `${ev.done}/${ev.total} hosts, ${ev.alive} alive${eta}`;
            clearProgress();
            process.stdout.write(line);
            lastProgress = line;
          }
          break;
        default:
          break;
      }
    }
  } finally {
    run.dispose();
    if (progress) clearProgress();
  }

  if (bundles && opts.bundle !== undefined) {
    await bundles.writeBundle(opts.bundle, { discoveries: results, command: process.argv.slice(2), ...(capture ? { packets: capture.packets } : {}) }, { rawSockets: mode === 'auto' ? privileged : canUseRawSockets(), redactHosts: opts.redactHosts === true });
    process.stderr.write(`bundle written: ${inertText(opts.bundle)}\n`);
  }
  if (!opts.json && targets.total > 1) {
    process.stdout.write(
      `${style.bold(`${finished} host${finished === 1 ? '' : 's'}:`)} ${alive} alive, ${finished - alive} not alive` +
        (failed > 0 ? `, ${failed} failed` : '') +
        (run.interrupted ? ' (interrupted)' : '') +
        '\n',
    );
  }
  if (run.interrupted) return EXIT.interrupted;
  if (failed > 0) return EXIT.runtime;
  return alive === finished ? EXIT.ok : EXIT.notOk;
}
