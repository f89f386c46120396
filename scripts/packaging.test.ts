/**
 * Packaging checks that run without an Electron binary (none can be downloaded here):
 * - the electron-builder config passes electron-builder's own schema (its validator and scheme.json);
 * - the real packer runs (`electron-builder --linux dir`) with a stand-in Electron distribution — a
 *   file carrying a real fuse wire instead of the Electron binary — and its app.asar is inspected:
 *   every file the packer takes exists, `main` points at built code, only runtime modules are packed
 *   (no Electron), native modules are there for the rebuild and unpacked; afterPack flipped the fuses;
 * - the deb scripts, the CLI wrapper and the icon generation.
 * What cannot run here: the native rebuild against Electron's headers and the AppImage/deb/dmg/NSIS
 * makers (they need downloads).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { builtinModules } from 'node:module';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';

/** The fuse states as bytes in the binary ('0' / '1'). */
const FuseState = { DISABLE: 48, ENABLE: 49 } as const;

const require = createRequire(path.join(process.cwd(), 'package.json'));
const root = process.cwd();
const dir = mkdtempSync(path.join(os.tmpdir(), 'scanready-pack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Context {
  electronPlatformName: string;
  arch: number;
  appOutDir: string;
  packager: { appInfo: { productFilename: string }; executableName?: string };
}
const afterPack = require('./build/afterPack.cjs') as ((ctx: Context) => Promise<void>) & { executablePath(ctx: Context): string };

describe('electron-builder config', () => {
  it('passes electron-builder validation and points at our hook and bundles', async () => {
    const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      getConfig(this: void, dir: string, p: null, c: null): Promise<Record<string, unknown>>;
      validateConfiguration(this: void, c: unknown, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    const config = await getConfig(root, null, null);
    await validateConfiguration(config, new DebugLogger(false));
    expect(config).toMatchObject({ appId: 'dev.scanready.app', productName: 'ScanReady', asar: true, npmRebuild: true, afterPack: 'build/afterPack.cjs' });
    expect((config.linux as { target: string[] }).target).toEqual(['AppImage', 'deb']);
    expect(JSON.stringify(config.files)).toContain('"dist/**"');
  });
});

describe('afterPack fuses', () => {
  it('flips RunAsNode, NODE_OPTIONS and inspect off; asar-only and integrity on', async () => {
    const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
    const fuses = 9;
    const wire = Buffer.concat([randomBytes(4096), Buffer.from(SENTINEL), Buffer.from([1, fuses]), Buffer.alloc(fuses, FuseState.ENABLE), randomBytes(1024)]);
    const appOutDir = path.join(dir, 'linux-unpacked');
    const exe = path.join(appOutDir, 'scanready');
    mkdirSync(appOutDir, { recursive: true });
    writeFileSync(exe, wire);
    const ctx: Context = { electronPlatformName: 'linux', arch: 1, appOutDir, packager: { appInfo: { productFilename: 'ScanReady' }, executableName: 'scanready' } };
    expect(afterPack.executablePath(ctx)).toBe(exe);
    await afterPack(ctx);
    const current = await getCurrentFuseWire(exe);
    expect(current[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
    expect(current[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
    expect(current[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE);
    expect(current[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(FuseState.DISABLE);
    expect(current[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
    expect(current[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(FuseState.ENABLE);
    // Nothing but the wire changed.
    const after = readFileSync(exe);
    expect(after.length).toBe(wire.length);
    expect(after.subarray(0, 4096).equals(wire.subarray(0, 4096))).toBe(true);
    expect(afterPack.executablePath({ ...ctx, electronPlatformName: 'win32' })).toBe(path.join(appOutDir, 'ScanReady.exe'));
    expect(afterPack.executablePath({ ...ctx, electronPlatformName: 'darwin' })).toBe(path.join(appOutDir, 'ScanReady.app'));
  });
});

const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  main: string;
  optionalDependencies: Record<string, string>;
  dependencies: Record<string, string>;
  build: Record<string, unknown> & { electronVersion: string; files: string[]; asarUnpack: string[]; linux: { icon: string }; mac: { icon: string }; win: { icon: string } };
};

describe('install without Electron', () => {
  it('electron is optional (a failed download does not fail npm install) and electron-builder is told its version', () => {
    expect(pkg.optionalDependencies.electron).toBe(pkg.build.electronVersion);
    expect(pkg.dependencies).not.toHaveProperty('electron');
  });
});

/** The dependency closure of `names` in node_modules (dependencies + optionalDependencies that are installed). */
/**
 * Dependencies a module uses only in its install script, never at run time: better-sqlite3's
 * prebuild-install (the packager rebuilds the addon against Electron instead).
 */
const INSTALL_ONLY = new Set(['prebuild-install']);

function closure(names: string[]): Set<string> {
  const out = new Set<string>();
  const todo = [...names];
  while (todo.length > 0) {
    const name = todo.pop()!;
    if (out.has(name) || INSTALL_ONLY.has(name)) continue;
    const file = path.join(root, 'node_modules', name, 'package.json');
    if (!existsSync(file)) continue; // an optional dependency not installed here
    out.add(name);
    const m = JSON.parse(readFileSync(file, 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    todo.push(...Object.keys({ ...m.dependencies, ...m.optionalDependencies }));
  }
  return out;
}

/** Bare modules a CommonJS bundle requires (node built-ins left out). */
function bundleRequires(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = new Set<string>();
  for (const m of text.matchAll(/\brequire\(["']([@a-z0-9][\w.\-/@]*)["']\)/g)) {
    const spec = m[1]!;
    if (spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]!)) continue;
    found.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
  }
  return [...found].sort();
}

describe('the packer, with a stand-in Electron distribution', () => {
  const out = path.join(dir, 'release');
  const fakeElectron = path.join(dir, 'electron-dist');
  let asarFiles: string[] = [];
  let appOutDir = '';
  const asar = require('@electron/asar') as { listPackage(this: void, p: string): string[]; extractFile(this: void, p: string, f: string): Buffer };

  beforeAll(() => {
    for (const f of ['dist/main.cjs', 'dist/preload.cjs', 'dist/renderer/index.html']) {
      if (!existsSync(path.join(root, f))) throw new Error(`${f} is missing: run npm run build first`);
    }
    mkdirSync(path.join(fakeElectron, 'resources'), { recursive: true });
    const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
    writeFileSync(path.join(fakeElectron, 'electron'), Buffer.concat([randomBytes(2048), Buffer.from(SENTINEL), Buffer.from([1, 9]), Buffer.alloc(9, FuseState.ENABLE), randomBytes(256)]), { mode: 0o755 });
    for (const f of ['chrome-sandbox', 'LICENSE', 'version']) writeFileSync(path.join(fakeElectron, f), '');
    const r = spawnSync(
      process.execPath,
      [require.resolve('electron-builder/cli.js'), '--linux', 'dir', `-c.electronDist=${fakeElectron}`, '-c.npmRebuild=false', `-c.directories.output=${out}`],
      { cwd: root, encoding: 'utf8', timeout: 300_000 },
    );
    if (r.status !== 0) throw new Error(`electron-builder failed: ${r.stdout}\n${r.stderr}`);
    appOutDir = path.join(out, 'linux-unpacked');
    asarFiles = asar.listPackage(path.join(appOutDir, 'resources', 'app.asar')).map((f) => f.replace(/\\/g, '/'));
  }, 320_000);

  it('packs the built code, and the packed main points at it', () => {
    const packedPkg = JSON.parse(asar.extractFile(path.join(appOutDir, 'resources', 'app.asar'), 'package.json').toString()) as { main: string };
    expect(packedPkg.main).toBe('dist/main.cjs');
    for (const f of ['/dist/main.cjs', '/dist/preload.cjs', '/dist/renderer/index.html', '/package.json']) expect(asarFiles).toContain(f);
    // Every packed app file exists in the build (nothing stale), and no source maps or CLI bundle.
    for (const f of asarFiles.filter((x) => x.startsWith('/dist/'))) expect(existsSync(path.join(root, f))).toBe(true);
    expect(asarFiles.filter((f) => f.endsWith('.map') || f.startsWith('/dist/cli'))).toEqual([]);
  });

  it('packs exactly the runtime modules main.cjs requires, with their dependencies — not Electron', () => {
    const required = bundleRequires(path.join(root, 'dist', 'main.cjs')).filter((m) => m !== 'electron');
    const needed = closure(required);
    const packed = new Set(asarFiles.filter((f) => f.startsWith('/node_modules/')).map((f) => f.split('/')[2]!));
    expect([...packed].sort()).toEqual([...needed].sort());
    expect(packed.has('electron')).toBe(false);
    expect(required).toEqual(expect.arrayContaining(['raw-socket', 'ssh2', 'ws', 'better-sqlite3']));
  });

  it('native modules are packed for the rebuild against Electron and unpacked from the asar', () => {
    expect(pkg.build.npmRebuild).toBe(true);
    // electron-builder rebuilds every packed module with a binding.gyp: raw-socket, ssh2's optional cpu-features
    // (ssh2's own optional crypto binding sits in lib/protocol/crypto: without a rebuild ssh2 uses its JS crypto).
    // The rebuild happens in node_modules before packing; the packed addons sit outside the asar.
    for (const [m, addon] of [
      ['raw-socket', 'build/Release/raw.node'],
      ['cpu-features', 'build/Release/cpufeatures.node'],
      ['ssh2', 'lib/protocol/crypto/build/Release/sshcrypto.node'],
      ['better-sqlite3', 'build/Release/better_sqlite3.node'],
    ] as const) {
      expect(existsSync(path.join(root, 'node_modules', m, m === 'ssh2' ? 'lib/protocol/crypto/binding.gyp' : 'binding.gyp'))).toBe(true);
      expect(existsSync(path.join(appOutDir, 'resources', 'app.asar.unpacked', 'node_modules', m, addon))).toBe(true);
    }
    expect(pkg.build.asarUnpack).toEqual(
      expect.arrayContaining(['node_modules/raw-socket/**', 'node_modules/cpu-features/**', 'node_modules/ssh2/lib/protocol/crypto/build/**', 'node_modules/better-sqlite3/**']),
    );
  });

  it('afterPack flipped the fuses in the packed executable', async () => {
    const current = await getCurrentFuseWire(path.join(appOutDir, 'scanready'));
    expect(current[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
    expect(current[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
    expect(current[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
  });

  it('ships the CLI wrapper, and the wrapper runs the app in CLI mode through a /usr/bin-style symlink', () => {
    const wrapper = path.join(appOutDir, 'resources', 'bin', 'scanready');
    expect(statSync(wrapper).mode & 0o111).not.toBe(0);
    // A stand-in app executable that prints its arguments, and /usr/bin/scanready → the wrapper.
    const opt = path.join(dir, 'opt', 'ScanReady');
    mkdirSync(path.join(opt, 'resources', 'bin'), { recursive: true });
    copyFileSync(wrapper, path.join(opt, 'resources', 'bin', 'scanready'));
    chmodSync(path.join(opt, 'resources', 'bin', 'scanready'), 0o755);
    writeFileSync(path.join(opt, 'scanready'), '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n', { mode: 0o755 });
    mkdirSync(path.join(dir, 'usr-bin'), { recursive: true });
    symlinkSync(path.join(opt, 'resources', 'bin', 'scanready'), path.join(dir, 'usr-bin', 'scanready'));
    const r = spawnSync(path.join(dir, 'usr-bin', 'scanready'), ['discover', "198.18.1.10 x'y"], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const argv = r.stdout.split('\n').slice(0, -1);
    expect(argv).toEqual(['--no-sandbox', '--ozone-platform=headless', '--disable-gpu', '--scanready-cli', 'discover', "198.18.1.10 x'y"]);
  });
});

describe('deb scripts', () => {
  it('differ from electron-builder\'s defaults only in where /usr/bin/scanready points (the CLI wrapper)', () => {
    const deb = pkg.build.deb as { afterInstall: string; afterRemove: string };
    for (const [ours, theirs] of [
      [deb.afterInstall, 'after-install.tpl'],
      [deb.afterRemove, 'after-remove.tpl'],
    ] as const) {
      // Ours = the shebang, our header comment, then the default's body.
      const lines = readFileSync(path.join(root, ours), 'utf8').split('\n');
      let body = 1;
      while (lines[body]?.startsWith('# ')) body++;
      const mine = [lines[0], ...lines.slice(body)];
      const def = readFileSync(path.join(root, 'node_modules', 'app-builder-lib', 'templates', 'linux', theirs), 'utf8');
      const expected = def.replaceAll("'/opt/${sanitizedProductName}/${executable}'", "'/opt/${sanitizedProductName}/resources/bin/scanready'");
      expect(mine.join('\n')).toBe(expected);
      expect(mine.join('\n')).toContain('/opt/${sanitizedProductName}/resources/bin/scanready');
    }
  });
});

describe('icons', () => {
  it('renders the PNG set, the ICNS and the ICO from build/icon.svg', async () => {
    const iconsDir = path.join(dir, 'icons-build');
    mkdirSync(iconsDir, { recursive: true });
    copyFileSync(path.join(root, 'build', 'icon.svg'), path.join(iconsDir, 'icon.svg'));
    const { generateIcons, LINUX_SIZES } = (await import(pathToFileURL(path.join(root, 'scripts', 'icons.mjs')).href)) as { generateIcons(this: void, d: string): string[]; LINUX_SIZES: number[] };
    generateIcons(iconsDir);
    for (const size of LINUX_SIZES) {
      const png = readFileSync(path.join(iconsDir, 'icons', `${size}x${size}.png`));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]); // IHDR width, height
    }
    const icns = readFileSync(path.join(iconsDir, 'icon.icns'));
    expect(icns.subarray(0, 4).toString()).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    expect(icns.includes(Buffer.from('ic10'))).toBe(true); // 1024 px (512@2x)
    const ico = readFileSync(path.join(iconsDir, 'icon.ico'));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    expect(ico.readUInt16LE(4)).toBeGreaterThanOrEqual(5);
    // The config points at the generated files; only the SVG is tracked in git.
    const b = pkg.build;
    expect([b.linux.icon, b.mac.icon, b.win.icon]).toEqual(['build/icons', 'build/icon.icns', 'build/icon.ico']);
    const tracked = spawnSync('git', ['ls-files', 'build'], { cwd: root, encoding: 'utf8' }).stdout.split('\n');
    expect(tracked.filter((f) => /\.(png|icns|ico)$/.test(f))).toEqual([]);
  });
});
