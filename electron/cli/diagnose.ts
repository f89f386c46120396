/**
 * `scanready diagnose TARGET`: discovery → (not alive) path trace + port finder → (credentials given)
 * credential check → ranked advice with ready-to-paste commands.
 * Exit status: 0 alive (and credentials passed when checked), 1 not alive or credentials not passed,
 * 2 bad input, 3 runtime failure.
 */
import type { Command } from 'commander';
import type { HostKeyInfo } from '../../shared/auth.js';
import type { DiagnosisEvent, DiagnosisResult, DiagnosisStage, PathHop } from '../../shared/diagnosis.js';
import type { DiagnoseRequestInput } from '../../shared/requests.js';
import { inertDeep, inertText } from '../../shared/inertText.js';
// The redactor is plain string work; the zip writer, the engines and ssh2 load inside the action.
import { redactor, requestSecrets } from '../bundle/redact.js';
import type { KnownHostsStore } from '../ssh/knownHosts.js';
import { addCredentialOptions, authRequestFromOptions, openKnownHosts, promptYesNo, formatStep, type AuthCliOptions, type CredentialCliOptions } from './auth.js';
import { action, addDiscoverOptions, CliError, EXIT, interruptible, intOption, resolveProfile, scannerIpOption, type DiscoverCliOptions } from './common.js';
import { colourEnabled, formatAdvice, formatDuration, formatHost, makeStyle, table, type Style } from './format.js';

interface DiagnoseCliOptions extends DiscoverCliOptions, CredentialCliOptions {
  scannerIp?: string[];
  trace: boolean;
  portFinder: boolean;
  topPorts?: number;
  json?: boolean;
  // credentials: as in `scanready auth` (CredentialCliOptions), --timeout renamed --auth-timeout (--timeout is the probes')
  authTimeout?: number;
  bundle?: string;
  redactHosts?: boolean;
}

/** Options and action of `diagnose` (name, arguments and description: commands.ts). */
export function defineDiagnose(cmd: Command): void {
  addDiscoverOptions(cmd);
  // Credentials: as in `scanready auth`; the check runs when --user is given.
  addCredentialOptions(cmd, { userRequired: false, userHelp: 'check SSH credentials too: the scan account' })
    .option('--scanner-ip <ip>', "the scanner appliance's address, for the firewall rules (repeat or comma-separate; default: this machine's address toward the target)", scannerIpOption)
    .option('--no-trace', 'do not trace the path when the host is not alive')
    .option('--no-port-finder', 'do not look for other answering ports when the host is not alive')
    .option('--top-ports <n>', "how many of Nmap's most common TCP ports the port finder tries", intOption('--top-ports', 1, 65535), 1000)
    .option('--auth-timeout <ms>', 'timeout of each credential-check step', intOption('--auth-timeout', 500, 120_000), 10_000)
    .option('--json', 'print one JSON object: { discovery, path, openPorts, auth, advice, ... }')
    .option('--bundle <file>', 'also write a debug bundle (ZIP, secrets redacted) for the scanner vendor\'s support')
    .option('--redact-hosts', 'in the bundle: replace host names and addresses with placeholders (host-1, hop-2)')
    .addHelpText(
      'after',
      '\nSecrets are never taken from the command line: use --password-env / --passphrase-env /\n' +
        '--delegation-password-env VAR, or answer the prompt when stdin is a terminal.\n' +
        'Exit status: 0 alive (and credentials passed, when checked), 1 not alive or credentials not passed,\n' +
        '2 bad input, 3 runtime failure.',
    )
    .action(action((target: string, opts: DiagnoseCliOptions) => runDiagnoseCli(target, opts)));
}

async function runDiagnoseCli(target: string, opts: DiagnoseCliOptions): Promise<number> {
  if (opts.targetsFile !== undefined) throw new CliError('diagnose takes one target, not --targets-file (use discover for sweeps)');
  const profile = await resolveProfile(opts);
  // The engine (raw sockets, ssh2) and the zip writer load only for a run, not for --help or bad input.
  const bundles = opts.bundle !== undefined ? await import('../bundle/index.js') : null;
  if (bundles && opts.bundle !== undefined) await bundles.checkBundleDestination(opts.bundle);
  const json = opts.json === true;
  const style = makeStyle(colourEnabled(process.stdout));

  let auth: DiagnoseRequestInput['auth'];
  let knownHosts: KnownHostsStore | undefined;
  if (opts.user !== undefined) {
    // The diagnosis passes its own profile to the credential check; --timeout belongs to the probes.
    const authOpts: AuthCliOptions = { ...opts, profile: undefined, timeout: opts.authTimeout ?? 10_000 };
    const { host: _host, ...rest } = await authRequestFromOptions(target, authOpts);
    auth = rest;
    knownHosts = (await openKnownHosts(opts)).store;
  } else {
    const authOnly = ['passwordEnv', 'key', 'passphraseEnv', 'agent', 'delegationCommand', 'delegationPasswordEnv', 'acceptNewHostKey', 'knownHosts', 'importKnownHosts'] as const;
    const given = authOnly.filter((k) => opts[k] !== undefined);
    if (given.length > 0) throw new CliError(`credential options need --user (got ${given.map((k) => '--' + k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())).join(', ')})`);
  }

  const request: DiagnoseRequestInput = {
    target,
    profile,
    overrides: opts.rate !== undefined ? { ratePps: opts.rate } : {},
    mode: opts.unprivileged === true ? 'unprivileged' : 'auto',
    scannerIps: opts.scannerIp ?? [],
    trace: opts.trace,
    portFinder: opts.portFinder,
    ...(auth ? { auth } : {}),
  };

  // What is printed or bundled passes the one redactor with this run's secrets.
  const secrets = requestSecrets(auth);
  const red = redactor(secrets);
  const run = interruptible();
  const progress = !json && process.stderr.isTTY;
  const onEvent = (e: DiagnosisEvent): void => {
    if (!json && e.type === 'auth' && e.event.type === 'step') {
      if (e.event.step.id === 'reach' || !authHeaderShown) {
        process.stdout.write(`${style.bold('Credentials')} ${style.dim(inertText(`(${auth?.user ?? ''}@${target}:${auth?.port ?? 22}, delegation ${auth?.delegation ?? 'sudo-su'})`))}\n`);
        authHeaderShown = true;
      }
      process.stdout.write(`${formatStep(red.value(e.event.step), style)}\n`);
    }
    if (progress && e.type === 'stage' && e.state === 'running') process.stderr.write(style.dim(`… ${STAGE_TEXT[e.stage]}\n`));
  };
  let authHeaderShown = false;
  const confirmHostKey =
    !json && process.stdin.isTTY
      ? async (k: HostKeyInfo): Promise<boolean> => promptYesNo(`\nThe host key of ${inertText(target)} is new:\n  ${inertText(`${k.algorithm} ${k.fingerprint}`)}\nTrust it and continue? [y/N] `)
      : undefined;

  // If a bug ever left the run's promise unsettled, Node would exit 0 with no output: say so instead.
  let settled = false;
  const onBeforeExit = (): void => {
    if (settled) return;
    settled = true;
    process.stderr.write('scanready: internal error: the diagnosis stopped without a result\n');
    process.exitCode = EXIT.runtime;
  };
  process.once('beforeExit', onBeforeExit);
  const { runDiagnosis } = await import('../diagnosis/index.js');
  let result: DiagnosisResult;
  // Raw mode: the packets of the run, for the bundle's probes.pcap.
  const capture = bundles && opts.bundle !== undefined ? new bundles.PacketCapture() : null;
  try {
    result = await runDiagnosis(request, {
      signal: run.signal,
      ...(capture ? { onPacket: capture.tap } : {}),
      onEvent,
      topPorts: opts.topPorts ?? 1000,
      ...(knownHosts ? { knownHosts } : {}),
      ...(confirmHostKey ? { confirmHostKey } : {}),
      ...(opts.rate !== undefined ? { portFinder: { ratePps: opts.rate } } : {}),
    });
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (e.code === 'bad-input') throw new CliError(e.message ?? 'bad input');
    throw new CliError(e.message ?? String(err), EXIT.runtime);
  } finally {
    settled = true;
    process.off('beforeExit', onBeforeExit);
    run.dispose();
  }

  result = red.value(result);
  if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else process.stdout.write(formatDiagnosis(result, style, opts.topPorts ?? 1000));
  if (bundles && opts.bundle !== undefined) {
    const { canUseRawSockets } = await import('../probes/index.js');
    await bundles.writeBundle(opts.bundle, { diagnoses: [result], command: process.argv.slice(2), ...(capture ? { packets: capture.packets } : {}) }, { ...secrets, rawSockets: canUseRawSockets(), redactHosts: opts.redactHosts === true });
    process.stderr.write(`bundle written: ${inertText(opts.bundle)}\n`);
  }
  if (run.interrupted) return EXIT.interrupted;
  const authOk = result.auth === null || result.auth.status === 'passed';
  return result.discovery.alive && authOk ? EXIT.ok : EXIT.notOk;
}

const STAGE_TEXT: Record<DiagnosisStage, string> = {
  discovery: 'discovery probes',
  path: 'tracing the path',
  'port-finder': 'looking for any port the host answers on',
  auth: 'checking credentials',
  advice: 'advice',
};

function hopAnswer(h: PathHop): string {
  switch (h.note) {
    case 'time-exceeded':
      return 'time exceeded';
    case 'reached':
      return 'target reached';
    case 'admin-prohibited':
      return `ICMP ${h.icmpType ?? '?'}/${h.icmpCode ?? '?'} administratively prohibited`;
    case 'unreachable':
      return `ICMP ${h.icmpType ?? '?'}/${h.icmpCode ?? '?'} unreachable`;
    case 'no-response':
      return '*';
  }
}


export function formatDiagnosis(result: DiagnosisResult, style: Style, topPorts: number): string {
  const r = inertDeep(result);
  const out: string[] = [];
  if (r.discovery.probes.length > 0 || r.discovery.address !== '') out.push(formatHost(r.discovery, style), '');
  else out.push(`${style.bold(r.target)}  ${style.red('NOT RESOLVED')}  ${r.discovery.reason}`, '');
  if (r.path) {
    const p = r.path;
    out.push(`${style.bold('Path')} ${style.dim(`(${p.method}, ${p.probe})`)}`);
    if (p.hops.length > 0) {
      const rows = [['HOP', 'RESPONDER', 'RTT', 'ANSWER'].map((c) => style.dim(c))];
      for (const h of p.hops) {
        const blocking = p.blockingHop && p.blockingHop.ttl === h.ttl;
        rows.push([
          String(h.ttl),
          h.responder ?? '*',
          h.rttMs === null ? '-' : `${h.rttMs.toFixed(1)} ms`,
          blocking ? style.red(`${hopAnswer(h)}  ← blocks`) : hopAnswer(h),
        ]);
      }
      out.push(table(rows, '  '));
    }
    out.push(
      `  ${p.reached ? style.green('reached the target') : style.yellow(`did not reach the target; last answer from ${p.lastResponder ?? 'nobody'}`)}` +
        (p.detail ? style.dim(` — ${p.detail}`) : ''),
      '',
    );
  }
  if (r.openPorts) {
    const pf = r.portFinder;
    const how = pf ? `top ${pf.tcpProbed} TCP (${pf.tcpMethod}) + ${pf.udpProbed} UDP, ${formatDuration(pf.durationMs)}` : `top ${topPorts} TCP`;
    const listening = r.openPorts.filter((p) => p.result === 'syn-ack' || p.result === 'udp-reply');
    const closed = r.openPorts.length - listening.length;
    out.push(`${style.bold('Ports the host answers on')} ${style.dim(`(${how})`)}`);
    if (r.openPorts.length === 0) out.push('  none');
    for (const p of listening) out.push(`  ${p.protocol}/${p.port}${p.service ? ` (${p.service})` : ''}  ${style.green(p.result)}`);
    if (closed > 0) out.push(`  ${style.dim(`${closed} more answered as closed (RST / port unreachable) — still proof of life`)}`);
    out.push('');
  }
  if (r.auth) out.push(`${style.bold('Credentials:')} ${r.auth.status}`, '');
  if (r.advice.length === 0) out.push(style.green('Nothing to change: the scanner will find this host.'));
  else {
    out.push(style.bold('What to change'));
    r.advice.forEach((a, i) => out.push(formatAdvice(a, i, style)));
  }
  for (const n of r.notes ?? []) out.push(`${style.yellow('note:')} ${n}`);
  if (r.durationMs !== undefined) out.push(style.dim(`diagnosis took ${formatDuration(r.durationMs)}`));
  return out.join('\n') + '\n';
}
