/**
 * The packaged app doubles as the CLI (`ScanReady --scanready-cli discover ...`), used by
 * "Run privileged probes": the elevated helper is the same signed binary, and the RunAsNode
 * fuse can stay off. These helpers are plain so they are tested under Node.
 */
import path from 'node:path';
import type { CliInvocation } from '../service/elevate.js';
import { findExecutable } from '../service/elevate.js';

export const CLI_SWITCH = '--scanready-cli';

/** Chromium switches we add for the helper; they must not reach the CLI parser. */
const CHROMIUM_SWITCHES = new Set(['--no-sandbox', '--ozone-platform=headless', '--disable-gpu']);

/**
 * The CLI's arguments when this process was started as the helper, else null.
 * `[exe, (app path in dev), ...switches, --scanready-cli, discover, ...]` → `[discover, ...]`.
 */
export function cliArgsFromArgv(argv: readonly string[]): string[] | null {
  const i = argv.indexOf(CLI_SWITCH);
  if (i < 0) return null;
  return argv.slice(i + 1).filter((a) => !CHROMIUM_SWITCHES.has(a));
}

export interface HelperContext {
  packaged: boolean;
  /** process.execPath (the app executable when packaged, the electron binary in dev). */
  execPath: string;
  platform: NodeJS.Platform;
  /** The directory holding main.cjs and cli.cjs (dist/). */
  distDir: string;
  /** Finds node in PATH (dev only). */
  findNode?: () => string | null;
}

/**
 * How to start the helper:
 * - packaged: the app executable itself with the CLI switch (on Linux also `--no-sandbox` and a
 *   headless Ozone platform: it runs as root under pkexec, with no display);
 * - dev: node (from PATH) running dist/cli.cjs; null when there is no node.
 */
export function helperInvocation(ctx: HelperContext): CliInvocation | null {
  if (ctx.packaged) {
    const linux = ctx.platform === 'linux' ? ['--no-sandbox', '--ozone-platform=headless'] : [];
    return { command: ctx.execPath, args: [...linux, CLI_SWITCH] };
  }
  const node = (ctx.findNode ?? (() => findExecutable(ctx.platform === 'win32' ? 'node.exe' : 'node')))();
  return node ? { command: node, args: [path.join(ctx.distDir, 'cli.cjs')] } : null;
}
