/**
 * Packaging checks that run without an Electron binary: the electron-builder config passes
 * electron-builder's own schema, and the afterPack hook flips the fuses in a binary that
 * carries a real fuse wire (sentinel + version + length + states, as Electron embeds it).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
