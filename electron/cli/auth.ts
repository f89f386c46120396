/**
 * `scanready auth HOST`: the credential check as an authenticated Unix scan does it.
 * Secrets come only from environment variables or a no-echo prompt on a terminal; they are
 * never printed, logged or written anywhere.
 */
import os from 'node:os';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { DELEGATION_METHODS, type AuthRequestInput, type AuthResult, type AuthStep, type DelegationMethod, type HostKeyInfo } from '../../shared/auth.js';
import { checkBundleDestination, writeBundle } from '../bundle/index.js';
import { redactor, requestSecrets } from '../bundle/redact.js';
import { BUILTIN_PROFILES, builtinProfile, DEFAULT_PROFILE_NAME } from '../../shared/profiles.js';
import { inertDeep, inertText } from '../../shared/inertText.js';
import { readUserFile } from '../fsio/readUserFile.js';
import { isSshError } from '../ssh/errors.js';
import { templateProblem } from '../ssh/elevate.js';
import { defaultKnownHostsFile } from '../service/paths.js';
import { KnownHostsStore } from '../ssh/knownHosts.js';
import { action, checkUserName, CliError, EXIT, intOption } from './common.js';
import { colourEnabled, makeStyle, type Style } from './format.js';

/** The credential options `auth` and `diagnose` share (addCredentialOptions). */
export interface CredentialCliOptions {
  port?: number;
  user?: string;
  passwordEnv?: string;
  key?: string;
  passphraseEnv?: string;
  agent?: boolean;
  delegation?: DelegationMethod;
  delegationCommand?: string;
  delegationPasswordEnv?: string;
  sessions?: number;
  acceptNewHostKey?: boolean;
  knownHosts?: string;
  importKnownHosts?: string | boolean;
}

export interface AuthCliOptions extends CredentialCliOptions {
  profile?: string;
  timeout?: number;
  json?: boolean;
  bundle?: string;
  redactHosts?: boolean;
}

// One known-hosts store for the CLI, web mode and the app (`$SCANREADY_USER_DATA/known_hosts.json`).
export { defaultKnownHostsFile };

/** The credential options, shared with `scanready diagnose` (which checks credentials when --user is given). */
export function addCredentialOptions(cmd: Command, opts: { userRequired: boolean; userHelp?: string }): Command {
  const user = new Option('--user <name>', opts.userHelp ?? 'the scan account (as in the scanner\'s Unix authentication record)');
  if (opts.userRequired) user.makeOptionMandatory(true);
  return cmd
    .addOption(user)
    .option('--port <n>', 'SSH port', intOption('--port', 1, 65535), 22)
    .option('--password-env <VAR>', 'read the login password from environment variable VAR')
    .option('--key <file>', 'private key file (OpenSSH, PEM or PKCS#8)')
    .option('--passphrase-env <VAR>', 'read the key passphrase from environment variable VAR')
    .option('--agent', 'use ssh-agent (SSH_AUTH_SOCK)')
    .addOption(new Option('--delegation <method>', 'root delegation method').choices([...DELEGATION_METHODS]).default('sudo-su'))
    .option('--delegation-command <template>', 'for --delegation custom: the command template, {cmd} marks the command to run as root')
    .option('--delegation-password-env <VAR>', 'password for the delegation prompt (su: root\'s); default: the login password')
    .option('--sessions <n>', 'parallel SSH sessions to open, as the scanner does', intOption('--sessions', 1, 100), 10)
    .option('--accept-new-host-key', 'trust a host key seen for the first time (compare its fingerprint first)')
    .option('--known-hosts <file>', `ScanReady's known-hosts store (default ${defaultKnownHostsFile()})`)
    .option('--import-known-hosts [file]', 'import an OpenSSH known_hosts file first (default ~/.ssh/known_hosts)');
}

/** `scanready auth`'s options: the credential options plus its own profile and step timeout. */
export function addAuthOptions(cmd: Command): Command {
  return addCredentialOptions(cmd, { userRequired: true })
    .option('--profile <name>', `discovery profile for custom-port candidates: ${BUILTIN_PROFILES.map((p) => p.name).join(', ')}`, DEFAULT_PROFILE_NAME)
    .option('--timeout <ms>', 'timeout of each step', intOption('--timeout', 500, 120_000), 10_000);
}

/** Options and action of `auth` (name, arguments and description: commands.ts). */
export function defineAuth(cmd: Command): void {
  addAuthOptions(cmd)
    .option('--json', 'print one JSON object (the full result)')
    .option('--bundle <file>', 'also write a debug bundle (ZIP, secrets redacted) for the scanner vendor\'s support')
    .option('--redact-hosts', 'in the bundle: replace host names and addresses with placeholders (host-1, hop-2)')
    .addHelpText(
      'after',
      '\nSecrets are never taken from the command line: use --password-env / --passphrase-env /\n' +
        '--delegation-password-env VAR, or answer the prompt when stdin is a terminal.\n' +
        'Exit status: 0 passed, 1 any other status (passed-insufficient, failed, not-attempted), 2 bad input, 3 runtime failure.',
    )
    .action(action((host: string, opts: AuthCliOptions) => runAuthCli(host, opts)));
}

function envSecret(varName: string | undefined, what: string): string | undefined {
  if (varName === undefined) return undefined;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(varName)) throw new CliError(`${what} takes the NAME of an environment variable (letters, digits, _), not the secret itself`); // never echo it
  const v = process.env[varName];
  if (v === undefined) throw new CliError(`${what}: environment variable ${varName} is not set`);
  return v;
}

/** Reads a line from the terminal without echo. */
export function promptSecret(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    if (!stdin.isTTY) {
      reject(new CliError(`${prompt.trim()} — stdin is not a terminal; use the matching --*-env option`));
      return;
    }
    process.stderr.write(prompt);
    const wasRaw = stdin.isRaw;
    stdin.setRawMode(true);
    stdin.resume();
    let value = '';
    const done = (err: Error | null): void => {
      stdin.removeListener('data', onData);
      stdin.setRawMode(wasRaw);
      stdin.pause();
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (buf: Buffer): void => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done(null);
        if (ch === '\u0003') return done(new CliError('interrupted', EXIT.interrupted));
        if (ch === '\u0004') return done(null);
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** Asks a yes/no question on the terminal; false when stdin is not a terminal. */
export async function promptYesNo(question: string): Promise<boolean> {
  const stdin = process.stdin;
  if (!stdin.isTTY) return false;
  process.stderr.write(question);
  return new Promise((resolve) => {
    const onData = (buf: Buffer): void => {
      stdin.removeListener('data', onData);
      stdin.pause();
      resolve(/^\s*y(es)?\s*$/i.test(buf.toString('utf8')));
    };
    stdin.resume();
    stdin.on('data', onData);
  });
}

/** One line for a known_hosts import that failed: the reader's own message, or the errno. */
export function importError(file: string, e: unknown): string {
  if ((e as { code?: unknown }).code === 'bad-input') return (e as Error).message;
  return `cannot import ${inertText(file)}: ${inertText((e as NodeJS.ErrnoException).code ?? (e as Error).message)}`;
}

/**
 * ScanReady's known-hosts store for this run (--known-hosts or the data directory's), loaded, with
 * --import-known-hosts applied. `auth` and `diagnose` both open it here.
 */
export async function openKnownHosts(opts: Pick<AuthCliOptions, 'knownHosts' | 'importKnownHosts'>): Promise<{ store: KnownHostsStore; imported: { file: string; imported: number; skipped: number } | null }> {
  const store = new KnownHostsStore(opts.knownHosts ?? defaultKnownHostsFile());
  try {
    await store.load();
  } catch (e) {
    throw new CliError((e as Error).message, EXIT.runtime);
  }
  if (opts.importKnownHosts === undefined) return { store, imported: null };
  const file = typeof opts.importKnownHosts === 'string' ? opts.importKnownHosts : path.join(os.homedir(), '.ssh', 'known_hosts');
  try {
    const report = await store.importOpenSshFile(file);
    return { store, imported: { file, imported: report.imported, skipped: report.skipped } };
  } catch (e) {
    throw new CliError(importError(file, e));
  }
}

/** Builds the request from options + environment + prompts. Throws CliError (exit 2) on bad input. */
export async function authRequestFromOptions(host: string, opts: AuthCliOptions): Promise<AuthRequestInput> {
  if (!host || host.length > 255 || /\s/.test(host)) throw new CliError(`bad host "${host}"`);
  if (!opts.user) throw new CliError('--user is required');
  const user = checkUserName('--user', opts.user);
  const profile = opts.profile ?? DEFAULT_PROFILE_NAME;
  if (!builtinProfile(profile)) throw new CliError(`unknown profile "${profile}" (known: ${BUILTIN_PROFILES.map((p) => p.name).join(', ')})`);
  const delegation = opts.delegation ?? 'sudo-su';
  if (delegation === 'custom') {
    const problem = templateProblem(opts.delegationCommand);
    if (problem) throw new CliError(problem);
  } else if (opts.delegationCommand !== undefined) {
    throw new CliError('--delegation-command only applies to --delegation custom');
  }
  let password = envSecret(opts.passwordEnv, '--password-env');
  let passphrase = envSecret(opts.passphraseEnv, '--passphrase-env');
  let delegationPassword = envSecret(opts.delegationPasswordEnv, '--delegation-password-env');
  let privateKey: string | undefined;
  if (opts.key !== undefined) {
    try {
      privateKey = await readUserFile(opts.key, 'private-key');
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    if (passphrase === undefined) {
      // ssh2 loads here (and in the check), not for --help or bad input.
      const { loadPrivateKey } = await import('../ssh/keys.js');
      try {
        loadPrivateKey(privateKey);
      } catch (e) {
        if (isSshError(e) && e.code === 'passphrase-required') {
          if (process.stdin.isTTY) passphrase = await promptSecret(`Passphrase for ${inertText(opts.key)}: `);
          else throw new CliError(`key file "${opts.key}" is encrypted: give --passphrase-env VAR`);
        }
      }
    }
  }
  if (opts.agent && !process.env.SSH_AUTH_SOCK) throw new CliError('--agent: SSH_AUTH_SOCK is not set (no ssh-agent)');
  if (password === undefined && privateKey === undefined && !opts.agent) {
    if (process.stdin.isTTY) password = await promptSecret(`Password for ${inertText(`${user}@${host}`)}: `);
    else throw new CliError('no credential: give --password-env VAR, --key FILE or --agent (secrets are never read from the command line)');
  }
  if (delegation === 'su' && delegationPassword === undefined && process.stdin.isTTY) {
    delegationPassword = await promptSecret(`Root password for su on ${inertText(host)}: `);
  }
  return {
    host,
    port: opts.port ?? 22,
    user,
    ...(password !== undefined ? { password } : {}),
    ...(privateKey !== undefined ? { privateKey } : {}),
    ...(passphrase !== undefined ? { passphrase } : {}),
    agent: opts.agent === true,
    delegation,
    ...(opts.delegationCommand !== undefined ? { delegationCommand: opts.delegationCommand } : {}),
    ...(delegationPassword !== undefined ? { delegationPassword } : {}),
    sessions: opts.sessions ?? 10,
    acceptNewHostKey: opts.acceptNewHostKey === true,
    profile,
    timeoutMs: opts.timeout ?? 10_000,
  };
}

const MARK = { ok: '✓', fail: '✗', info: '–' };

export function formatStep(step: AuthStep, style: Style, verbose = true): string {
  const s = inertDeep(step);
  const mark = s.ok === true ? style.green(MARK.ok) : s.ok === false ? style.red(MARK.fail) : style.dim(MARK.info);
  const ms = s.ms > 0 ? style.dim(` (${s.ms} ms)`) : '';
  let line = `  ${mark} ${s.id.padEnd(12)} ${s.summary}${ms}`;
  if (verbose && s.ok === false && s.explanation) line += `\n${wrap(s.explanation, 90, '                 ')}`;
  return line;
}

function wrap(text: string, width: number, indent: string): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur.length + w.length + 1 > width && cur !== '') {
      lines.push(cur);
      cur = w;
    } else cur = cur === '' ? w : `${cur} ${w}`;
  }
  if (cur) lines.push(cur);
  return lines.map((l) => indent + l).join('\n');
}

const STATUS_TEXT: Record<AuthResult['status'], string> = {
  passed: 'PASSED — logged in and UID 0 after delegation',
  'passed-insufficient': 'PASSED* — logged in, but without root (insufficient privileges: expect false negatives)',
  failed: 'FAILED — login failed or the host key is not trusted',
  'not-attempted': 'NOT ATTEMPTED — no SSH service reachable on that port',
};

export function formatSummary(result: AuthResult, style: Style): string {
  const r = inertDeep(result);
  const colour = (t: string): string => (r.status === 'passed' ? style.green(t) : r.status === 'passed-insufficient' ? style.yellow(t) : style.red(t));
  const out = [`\nStatus: ${colour(STATUS_TEXT[r.status])}  ${style.dim(`(${r.durationMs} ms)`)}`];
  const candidates = r.listening.filter((p) => p.candidate);
  if (candidates.length > 0) {
    out.push(`Listening ports not in the profile (custom-port candidates): ${candidates.map((p) => `${p.protocol}/${p.port}${p.process ? ` (${p.process})` : ''}`).join(', ')}`);
  }
  if (r.advice.length > 0) {
    out.push('Advice:');
    r.advice.forEach((a, i) => {
      out.push(`  ${i + 1}. ${style.bold(a.title)}${a.severity === 'tip' ? style.dim(' (tip)') : ''}`);
      for (const act of a.actions) {
        out.push(act.kind === 'command' ? `       ${style.dim(`${act.label}:`)}\n${act.text.split('\n').map((l) => `         ${l}`).join('\n')}` : `       ${act.label}: ${act.text}`);
      }
    });
  }
  return out.join('\n');
}

async function runAuthCli(host: string, opts: AuthCliOptions): Promise<number> {
  if (opts.bundle !== undefined) await checkBundleDestination(opts.bundle);
  const req = await authRequestFromOptions(host, opts);
  // What is printed or bundled passes the one redactor with this run's secrets.
  const secrets = requestSecrets(req);
  const red = redactor(secrets);
  const style = makeStyle(colourEnabled(process.stdout));
  const json = opts.json === true;
  const { store: knownHosts, imported } = await openKnownHosts(opts);
  if (imported && !json) {
    process.stderr.write(`imported ${imported.imported} host key(s) from ${inertText(imported.file)}${imported.skipped ? `, skipped ${imported.skipped}` : ''}\n`);
  }

  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  if (!json) {
    process.stdout.write(`${style.bold(inertText(`scanready auth ${req.user}@${host}:${req.port}`))}  delegation: ${req.delegation ?? 'sudo-su'}, profile: ${req.profile ?? DEFAULT_PROFILE_NAME}\n`);
  }
  const confirmHostKey =
    !json && process.stdin.isTTY
      ? async (k: HostKeyInfo): Promise<boolean> =>
          promptYesNo(`\nThe host key of ${inertText(`${host}:${req.port}`)} is new:\n  ${inertText(`${k.algorithm} ${k.fingerprint}`)}\nTrust it and continue? [y/N] `)
      : undefined;
  const { runAuthCheck } = await import('../ssh/authCheck.js');
  let result: AuthResult;
  try {
    result = await runAuthCheck(req, {
      signal: controller.signal,
      knownHosts,
      ...(confirmHostKey ? { confirmHostKey } : {}),
      onStep: json ? undefined : (s) => process.stdout.write(`${formatStep(red.value(s), style)}\n`),
    });
  } catch (e) {
    if (isSshError(e) && e.code === 'aborted') throw new CliError('interrupted', EXIT.interrupted);
    if (isSshError(e) && e.code === 'bad-request') throw new CliError(e.message);
    throw new CliError(e instanceof Error ? e.message : String(e), EXIT.runtime);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  result = red.value(result);
  if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else process.stdout.write(`${formatSummary(result, style)}\n`);
  if (opts.bundle !== undefined) {
    await writeBundle(opts.bundle, { auth: [result], command: process.argv.slice(2) }, { ...secrets, redactHosts: opts.redactHosts === true });
    process.stderr.write(`bundle written: ${opts.bundle}\n`);
  }
  return result.status === 'passed' ? EXIT.ok : EXIT.notOk;
}
