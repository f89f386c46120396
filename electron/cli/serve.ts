/**
 * `scanready serve`: web mode. The first line on stdout is the URL with the access token;
 * everything else (warnings, notes) goes to stderr, so scripts can read that line.
 */
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { CliInvocation } from '../service/index.js';
import { inertText } from '../../shared/inertText.js';
import { action, CliError, EXIT, intOption } from './common.js';

interface ServeOptions {
  port: number;
  host: string;
  allowRemote?: boolean;
  userData?: string;
  rendererDir?: string;
}

/** The running CLI bundle (dist/cli.cjs), when we are one: used for the renderer path and elevation. */
function cliBundle(): string | null {
  const script = process.argv[1];
  if (!script) return null;
  let real: string;
  try {
    // Resolve first: an installed package starts through a symlink without an extension (bin/scanready).
    real = realpathSync(script);
  } catch {
    return null;
  }
  return /\.(c?js)$/.test(real) ? real : null;
}

/**
 * How "Run privileged probes" starts this same CLI: node + the bundle, or (from the sources)
 * node + its loader flags + the entry file, all absolute, so an elevation rule can name it exactly.
 */
export function selfInvocation(bundle: string | null = cliBundle(), argv = process.argv, execArgv = process.execArgv): CliInvocation | null {
  if (bundle) return { command: process.execPath, args: [bundle] };
  const script = argv[1];
  if (!script || !/\.ts$/.test(script)) return null;
  try {
    return { command: process.execPath, args: [...execArgv, realpathSync(script)] };
  } catch {
    return null;
  }
}

export function defaultRendererDir(bundle: string | null = cliBundle()): string {
  // dist/cli.cjs → dist/renderer; bin/scanready.cjs (the installed CLI package) → dist/renderer beside bin/.
  const candidates = [
    bundle ? path.join(path.dirname(bundle), 'renderer') : null,
    bundle ? path.join(path.dirname(bundle), '..', 'dist', 'renderer') : null,
    path.resolve('dist', 'renderer'),
  ].filter((c): c is string => c !== null);
  return candidates.find((c) => existsSync(path.join(c, 'index.html'))) ?? candidates[0] ?? path.resolve('dist', 'renderer');
}

/** How the packaged app (CLI mode) tells `serve` where its UI is and how to start the privileged helper. */
export interface ServeContext {
  rendererDir?: string;
  cli?: CliInvocation | null;
}

/** Options and action of `serve` (name and description: commands.ts). */
export function defineServe(cmd: Command, { serve: ctx = {} }: { serve?: ServeContext } = {}): void {
  cmd
    .option('--port <n>', 'TCP port (default: a free one)', intOption('--port', 0, 65535), 0)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--allow-remote', 'allow a non-loopback --host: anyone who can reach it and has the token can run probes from this machine')
    .option('--user-data <dir>', 'where history, profiles, settings and known hosts live (default: the app\'s directory)')
    .option('--renderer-dir <dir>', 'the built UI (default: dist/renderer)')
    .addHelpText('after', '\nThe first line printed is the URL to open (it carries the access token). Stop with Ctrl-C.')
    .action(action((opts: ServeOptions) => runServe(opts, cmd.parent?.version() ?? '0.0.0-dev', ctx)));
}

async function runServe(opts: ServeOptions, version: string, ctx: ServeContext): Promise<number> {
  // The service, the web server and ws load only when serving (not for --help or another command).
  const [{ createService, defaultUserDataDir }, { isLoopbackHost, startWebServer }] = await Promise.all([
    import('../service/index.js'),
    import('../web/server.js'),
  ]);
  if (!isLoopbackHost(opts.host)) {
    if (!opts.allowRemote) {
      throw new CliError(`--host ${opts.host} is not a loopback address: add --allow-remote to expose ScanReady to the network`);
    }
    process.stderr.write(
      `scanready: WARNING: listening on ${inertText(opts.host)}: anyone who can reach this address and has the URL's token can run probes and SSH checks from this machine. Traffic is not encrypted.\n`,
    );
  }
  const bundle = cliBundle();
  const cli: CliInvocation | null = ctx.cli !== undefined ? ctx.cli : selfInvocation(bundle);
  const userDataDir = opts.userData ? path.resolve(opts.userData) : defaultUserDataDir();
  const service = createService({ userDataDir, mode: 'web', version, cli });
  let server;
  try {
    server = await startWebServer({
      service,
      rendererDir: opts.rendererDir ? path.resolve(opts.rendererDir) : (ctx.rendererDir ?? defaultRendererDir(bundle)),
      host: opts.host,
      port: opts.port,
      allowRemote: opts.allowRemote === true,
    });
  } catch (err) {
    await service.close();
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new CliError(`port ${opts.port} is already in use: pick another --port or leave it out`);
    if (code === 'EADDRNOTAVAIL') throw new CliError(`${opts.host} is not an address of this machine`);
    throw err;
  }
  // A run's failure is reported to its page by the service; a stray rejection elsewhere (a late
  // socket callback) must not take the server down for every other page.
  const onUnhandled = (reason: unknown): void => {
    const message = reason instanceof Error ? reason.message : String(reason);
    process.stderr.write(`scanready: internal error (still serving): ${message.split('\n')[0] ?? ''}\n`);
  };
  process.on('unhandledRejection', onUnhandled);
  process.stdout.write(`${server.url}\n`);
  process.stderr.write(`scanready: serving the UI and API; data in ${inertText(userDataDir)}. Press Ctrl-C to stop.\n`);

  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await service.close();
  await server.close();
  process.off('unhandledRejection', onUnhandled);
  return EXIT.ok;
}
