/**
 * `scanready triage FILE... [TARGETS...]`: the hosts a scanner called not alive (its own output, or a
 * plain list), probed, grouped by cause, one set of advice per group. Every input is read and
 * checked before anything is sent; the engines load only then (CLI start-up stays lazy).
 * Exit status: 0 every host alive, 1 some host not alive, 2 bad input, 3 runtime failure, 130 interrupted.
 */
import { promises as fs } from 'node:fs';
import type { Command } from 'commander';
import type { TriageGroup, TriageSummary } from '../../shared/triage.js';
import { inertDeep, inertText } from '../../shared/inertText.js';
import { action, addDiscoverOptions, CliError, EXIT, interruptible, intOption, resolveProfile, scannerIpOption, type DiscoverCliOptions } from './common.js';
import { colourEnabled, formatAdvice, formatDuration, formatHost, makeStyle, type Style } from './format.js';

interface TriageCliOptions extends DiscoverCliOptions {
  scannerIp?: string[];
  all?: boolean;
  json?: boolean;
  csv?: boolean;
  traceSample?: number;
  portSample?: number;
  topPorts?: number;
}

/** Options and action of `triage` (name, arguments and description: commands.ts). */
export function defineTriage(cmd: Command): void {
  addDiscoverOptions(cmd)
    .option('--scanner-ip <ip>', "the scanner appliance's address, for the firewall rules (repeat or comma-separate; default: this machine's address toward the hosts)", scannerIpOption)
    .option('--all', 'also probe the hosts the input lists in other categories (Qualys excluded/cancelled, Nmap up, scanned)')
    .option('--json', 'NDJSON: one object per host (with its group id), then one per group, then a summary')
    .option('--csv', 'CSV, one row per host (for spreadsheets)')
    .option('--trace-sample <n>', 'hosts whose path is traced per group (default 2)', intOption('--trace-sample', 1, 64))
    .option('--port-sample <n>', 'hosts searched by the port finder per silent group (default 6)', intOption('--port-sample', 1, 64))
    .option('--top-ports <n>', "the port finder's Nmap top TCP ports (default 1000)", intOption('--top-ports', 1, 65535))
    .addHelpText(
      'after',
      '\nInputs (recognised from the content): Qualys scan summary (XML or JSON), Qualys scan results CSV,\n' +
        'Nmap XML (-oX), plain lists (addresses, ranges, CIDR, # comments). Arguments that are not files are targets.\n' +
        'Exit status: 0 every host alive, 1 some host not alive, 2 bad input, 3 runtime failure, 130 interrupted.',
    )
    .action(action((inputs: string[], opts: TriageCliOptions) => runTriageCli(inputs, opts)));
}

/** A CSV cell: quoted, and a leading = + - @ neutralised (spreadsheets run those as formulas). */
function csvCell(v: string | number): string {
  let s = inertText(String(v));
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

const CSV_HEADER = ['address', 'group', 'cause', 'verdict', 'answered', 'ports', 'reason', 'input_category', 'input_source', 'input_reason'];

async function isFile(p: string): Promise<boolean> {
  try {
    await fs.stat(p);
    return true;
  } catch {
    return false;
  }
}

const CAUSE_LABEL: Record<TriageGroup['cause'], string> = {
  alive: 'ALIVE',
  'rejected-by-host': 'REJECTED BY HOST',
  'filtered-in-path': 'FILTERED IN PATH',
  'port-only': 'OTHER PORT ONLY',
  silent: 'SILENT',
  inconclusive: 'INCONCLUSIVE',
};

function formatGroup(group: TriageGroup, style: Style): string {
  const g = inertDeep(group);
  const colour = (t: string): string => (g.cause === 'alive' ? style.green(t) : g.cause === 'inconclusive' ? style.yellow(t) : style.red(t));
  const out: string[] = [];
  out.push(`${style.bold(`${g.id}  ${g.size} host${g.size === 1 ? '' : 's'}`)}  ${colour(CAUSE_LABEL[g.cause])}  ${g.title}`);
  const shown = g.cidrs.length > 12 ? [...g.cidrs.slice(0, 12), `… ${g.cidrs.length - 12} more blocks`] : g.cidrs;
  out.push(`    ${style.dim('addresses:')} ${shown.join(', ')}`);
  out.push(`    ${style.dim('answered:')}  ${g.answered}`);
  if (g.path) {
    const p = g.path;
    const where = p.reached ? 'reached the host' : p.blockingHop ? `blocked at ${p.blockingHop.responder ?? '?'}` : p.lastResponder ? `last answer from ${p.lastResponder}` : 'no hop answered';
    out.push(`    ${style.dim('path:')}      ${where} (${p.probe}; traced ${g.traced.join(', ')})`);
  }
  for (const n of g.notes) out.push(`    ${style.yellow('note:')} ${n}`);
  out.push(`    ${style.dim('evidence:')}`);
  out.push(formatHost(g.evidence, style).split('\n').map((l) => `    ${l}`).join('\n'));
  if (g.advice.length > 0) {
    out.push(`    ${style.bold('What to change (one set for the whole group):')}`);
    g.advice.forEach((a, i) => out.push(formatAdvice(a, i, style).split('\n').map((l) => `  ${l}`).join('\n')));
  }
  return out.join('\n');
}

function summaryLine(s: TriageSummary, style: Style): string {
  const notProbed = Object.entries(s.notProbed).map(([c, n]) => `${n} ${c}`).join(', ');
  return (
    `${style.bold(`${s.probed} host${s.probed === 1 ? '' : 's'} triaged:`)} ${s.alive} alive, ${s.probed - s.alive} not alive, ${s.groups} group${s.groups === 1 ? '' : 's'}` +
    ` (profile ${s.profile}, ${s.privileged ? 'raw sockets' : 'unprivileged fallback'}, ${formatDuration(s.durationMs)})` +
    (s.cancelled ? ` ${style.yellow(`interrupted: ${s.total - s.probed} not probed`)}` : '') +
    (notProbed !== '' ? `\n${style.dim(`listed but not probed (--all probes them): ${notProbed}`)}` : '')
  );
}

async function runTriageCli(inputs: string[], opts: TriageCliOptions): Promise<number> {
  if (opts.json && opts.csv) throw new CliError('--json and --csv: choose one');
  // 1. Every input read and checked, every target validated, before anything loads or is sent.
  const files: string[] = [];
  const targets: string[] = [];
  for (const a of inputs) {
    if (await isFile(a)) files.push(a);
    else targets.push(a);
  }
  if (opts.targetsFile !== undefined) files.push(opts.targetsFile);
  if (files.length + targets.length === 0) throw new CliError('nothing to triage: give a scan report, a list of hosts, or targets');
  const { readTriageInputs, inputLookup } = await import('../triage/index.js');
  const { checkTargetEntry, planTargets } = await import('../targets/index.js');
  for (const t of targets) {
    try {
      checkTargetEntry(t);
    } catch (err) {
      throw new CliError(`"${inertText(t)}" is neither a readable file nor a target: ${(err as Error).message}`);
    }
  }
  const input = await readTriageInputs(files);
  const probe = input.hosts.filter((h) => h.notAlive || opts.all === true);
  const notProbed: Record<string, number> = {};
  for (const h of input.hosts) if (!(h.notAlive || opts.all === true)) notProbed[h.category] = (notProbed[h.category] ?? 0) + h.size;
  const entries = [...probe.map((h) => h.entry), ...targets];
  if (entries.length === 0) {
    const cats = input.inputs.map((i) => `${i.source}: ${Object.entries(i.categories).map(([c, n]) => `${n} ${c}`).join(', ') || 'no hosts'}`).join('; ');
    throw new CliError(`no host to triage: the inputs list no host as not alive (${cats}); --all probes every host listed`);
  }
  const plan = await planTargets(entries, { force: opts.force === true });
  const profile = await resolveProfile(opts);

  // 2. Probe, trace, search, group.
  const { runTriage } = await import('../triage/index.js');
  const { sourceAddressFor } = await import('../diagnosis/index.js');
  let scannerIps = opts.scannerIp ?? [];
  let guessed = false;
  if (scannerIps.length === 0) {
    const first = plan[Symbol.iterator]().next();
    const own = first.done === true ? null : await sourceAddressFor(first.value.address);
    if (own) {
      scannerIps = [own];
      guessed = true;
    }
  }
  const style = makeStyle(colourEnabled(process.stdout));
  const err = makeStyle(colourEnabled(process.stderr));
  if (!opts.json && !opts.csv) {
    for (const i of input.inputs) {
      const cats = Object.entries(i.categories).map(([c, n]) => `${n} ${c}`).join(', ');
      process.stderr.write(`${err.dim(`read ${inertText(i.source)} (${i.format}): ${cats || 'no hosts'}`)}\n`);
    }
    if (guessed) process.stderr.write(`${err.yellow('note:')} firewall rules use this machine's address (${scannerIps[0] ?? ''}); pass the scanner's with --scanner-ip\n`);
  }
  const progress = process.stderr.isTTY === true;
  let lastProgress = '';
  const clearProgress = (): void => {
    if (lastProgress !== '') process.stderr.write('\r' + ' '.repeat(lastProgress.length) + '\r');
    lastProgress = '';
  };
  const PHASE = { probe: 'probing', trace: 'tracing paths', ports: 'port finder', check: 'checking found ports' } as const;
  const run = interruptible();
  let result;
  try {
    result = await runTriage(plan, {
      profile,
      mode: opts.unprivileged === true ? 'unprivileged' : 'auto',
      ...(opts.rate !== undefined ? { ratePps: opts.rate } : {}),
      ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
      ...(opts.traceSample !== undefined ? { traceSample: opts.traceSample } : {}),
      ...(opts.portSample !== undefined ? { portSample: opts.portSample } : {}),
      ...(opts.topPorts !== undefined ? { topPorts: opts.topPorts } : {}),
      scannerIps,
      scannerIpsGuessed: guessed,
      inputOf: inputLookup(input.hosts),
      notProbed,
      signal: run.signal,
      onEvent: (ev) => {
        if (!progress || ev.type !== 'progress') return;
        const eta = ev.etaMs === null ? '' : `, about ${formatDuration(ev.etaMs)} left`;
        const line = `${PHASE[ev.phase]} ${ev.done}/${ev.total}${ev.phase === 'probe' ? ' hosts' : ''}${eta}`;
        clearProgress();
        process.stderr.write(line);
        lastProgress = line;
      },
    });
  } finally {
    run.dispose();
    clearProgress();
  }

  // 3. Output.
  const { hosts, groups, summary } = result;
  const write = (s: string): void => void process.stdout.write(s);
  if (opts.json) {
    for (const h of hosts) write(JSON.stringify(h) + '\n');
    for (const g of groups) write(JSON.stringify(g) + '\n');
    write(JSON.stringify(summary) + '\n');
  } else if (opts.csv) {
    const cause = new Map(groups.map((g) => [g.id, g.cause]));
    write(CSV_HEADER.join(',') + '\n');
    for (const h of hosts) {
      write(
        [h.address, h.groupId, cause.get(h.groupId) ?? '', h.verdict, h.answered, h.ports.join(' '), h.reason, h.input?.category ?? '', h.input?.source ?? '', h.input?.reason ?? '']
          .map(csvCell)
          .join(',') + '\n',
      );
    }
  } else {
    for (const g of groups) write(formatGroup(g, style) + '\n\n');
    write(summaryLine(summary, style) + '\n');
  }
  if (run.interrupted) return EXIT.interrupted;
  return summary.alive === summary.probed ? EXIT.ok : EXIT.notOk;
}
