/**
 * A small runner for tests and debugging (not the product CLI): probes addresses and prints one
 * HostResult JSON per line. Used by lab.test.ts to run the engine as an ordinary user.
 *
 *   node --import tsx electron/probes/run.ts [--mode auto|raw|unprivileged] [--profile NAME|JSON] ADDR...
 */
import { builtinProfile, profileSchema, type DiscoveryProfile } from '../../shared/profiles.js';
import { discover } from './index.js';
import type { DiscoverMode, ResolvedTarget } from './types.js';

async function main(argv: string[]): Promise<number> {
  let mode: DiscoverMode = 'auto';
  let profile: DiscoveryProfile | undefined = builtinProfile('qualys-default');
  const targets: ResolvedTarget[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--mode') mode = (argv[++i] ?? 'auto') as DiscoverMode;
    else if (a === '--profile') {
      const v = argv[++i] ?? '';
      profile = v.trim().startsWith('{') ? profileSchema.parse(JSON.parse(v)) : builtinProfile(v);
      if (!profile) throw new Error(`unknown profile ${v}`);
    } else targets.push({ target: a, address: a, family: a.includes(':') ? 6 : 4 });
  }
  if (!profile) throw new Error('no profile');
  let allAlive = true;
  for await (const ev of discover(targets, { profile, mode })) {
    if (ev.type === 'host-done') {
      process.stdout.write(`${JSON.stringify(ev.result)}\n`);
      if (!ev.result.alive) allAlive = false;
    } else if (ev.type === 'host-error') {
      process.stderr.write(`${ev.target}: ${ev.message}\n`);
      allAlive = false;
    }
  }
  return allAlive ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 3;
  },
);
