// `npm run pack:cli`: the CLI package for jump hosts — release/scanready-<version>.tgz, installable
// with `npm install -g ./scanready-<version>.tgz` where only Node >= 20.19 exists: no Electron, no
// dev dependencies, no build step at install time beyond raw-socket's addon (ssh2 also tries its
// optional native speed-ups; their failure is harmless). It carries the built CLI (dist/cli/), the
// built UI for `serve` (dist/renderer/) and a generated package.json whose dependencies are exactly
// the packages the built CLI imports at run time, at the versions the checkout's package.json asks
// for. The checkout's own package.json (electron as an optional dependency, build scripts) is not
// what a jump host should install.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Every file under `dir` (relative paths). */
function walk(dir, base = dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full, base) : [path.relative(base, full)];
  });
}

/** Bare package names the built CLI imports or requires (node built-ins left out). */
export function runtimeImports(cliDir) {
  const builtins = new Set(builtinModules);
  const found = new Set();
  for (const file of walk(cliDir).filter((f) => f.endsWith('.mjs'))) {
    const text = readFileSync(path.join(cliDir, file), 'utf8');
    // import … from "x" (statements start a line in esbuild's output), import("x"), require("x").
    for (const m of text.matchAll(/(?:^import\s[^;]*?\sfrom\s*|^import\s*|\bimport\(\s*|\brequire\(\s*)["']([@a-z0-9][\w.\-/@]*)["']/gm)) {
      const spec = m[1];
      if (spec.startsWith('node:') || builtins.has(spec.split('/')[0])) continue;
      found.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
    }
  }
  return [...found].sort();
}

/** The CLI package's manifest, derived from the checkout's package.json and the built CLI. */
export function cliManifest(pkg, imports) {
  const dependencies = {};
  for (const name of imports) {
    const version = pkg.dependencies?.[name];
    if (!version) throw new Error(`the built CLI imports "${name}", which is not a dependency in package.json`);
    dependencies[name] = version;
  }
  return {
    name: pkg.name,
    version: pkg.version,
    description: pkg.description,
    license: pkg.license,
    bin: { scanready: 'bin/scanready.cjs' },
    engines: pkg.engines,
    files: ['bin/', 'dist/', 'README.md'],
    dependencies,
  };
}

function main() {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const dist = path.join(root, 'dist');
  for (const need of ['cli.cjs', 'cli/scanready.mjs', 'renderer/index.html']) {
    if (!existsSync(path.join(dist, need))) {
      process.stderr.write(`pack-cli: dist/${need} is missing — run \`npm run build\` first\n`);
      process.exit(1);
    }
  }
  const stage = path.join(root, 'release', 'cli-package');
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(path.join(stage, 'dist'), { recursive: true });
  const noMaps = (src) => !src.endsWith('.map');
  cpSync(path.join(root, 'bin'), path.join(stage, 'bin'), { recursive: true });
  cpSync(path.join(dist, 'cli.cjs'), path.join(stage, 'dist', 'cli.cjs'));
  cpSync(path.join(dist, 'cli'), path.join(stage, 'dist', 'cli'), { recursive: true, filter: noMaps });
  cpSync(path.join(dist, 'renderer'), path.join(stage, 'dist', 'renderer'), { recursive: true, filter: noMaps });
  cpSync(path.join(root, 'README.md'), path.join(stage, 'README.md'));
  const manifest = cliManifest(pkg, runtimeImports(path.join(dist, 'cli')));
  writeFileSync(path.join(stage, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');

  const out = path.join(root, 'release');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['pack', '--pack-destination', out, '--json'], { cwd: stage, encoding: 'utf8', shell: process.platform === 'win32' });
  if (r.status !== 0) {
    process.stderr.write(r.stderr);
    process.exit(r.status ?? 1);
  }
  const [info] = JSON.parse(r.stdout);
  const file = path.join(out, info.filename);
  process.stdout.write(`${file}\n`);
  process.stderr.write(
    `pack-cli: ${info.entryCount} files, ${(info.size / 1024).toFixed(0)} KiB; dependencies: ${Object.keys(manifest.dependencies).join(', ')}\n` +
      `install on a jump host with: npm install -g ./${info.filename}\n`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
