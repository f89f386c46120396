/**
 * The Electron shell's rules, tested under plain Node (no Electron binary here). main.ts only
 * wires these to Electron; that wiring itself is not exercised by this file.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS, type IpcResult } from '../../shared/ipc.js';
import { createServiceCore } from '../service/core.js';
import { unavailableEngines } from '../service/testEngines.js';
import { cliArgsFromArgv, helperInvocation } from './cliSwitch.js';
import { registerIpc, type InvokeEventLike, type IpcMainLike } from './ipcMainBridge.js';
import { aboutText, buildMenuTemplate, type MenuItem } from './menu.js';
import { answerAppRequest } from './protocol.js';
import { APP_START_URL, decideNavigation, isAppUrl, isTrustedSender, SECURE_WEB_PREFERENCES } from './security.js';
import { DEFAULT_SIZE, loadWindowState, placeWindow, saveWindowState, windowStateFile } from './windowState.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'scanready-app-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('security rules', () => {
  it('web preferences keep every isolation switch on', () => {
    expect(SECURE_WEB_PREFERENCES).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false, webSecurity: true, disableBlinkFeatures: 'Auxclick' });
  });

  it('recognises only our own app:// origin', () => {
    expect(isAppUrl(APP_START_URL)).toBe(true);
    expect(isAppUrl('app://scanready/assets/x.js')).toBe(true);
    for (const u of ['app://evil/index.html', 'file:///index.html', 'https://scanready/', 'app://user@scanready/', 'app://scanready:99/', '', undefined, 'not a url']) {
      expect(isAppUrl(u), String(u)).toBe(false);
    }
  });

  it('trusts only the main frame of our windows showing our origin', () => {
    const ours = new Set([7]);
    expect(isTrustedSender({ frameUrl: APP_START_URL, isMainFrame: true, webContentsId: 7 }, ours)).toBe(true);
    expect(isTrustedSender({ frameUrl: APP_START_URL, isMainFrame: false, webContentsId: 7 }, ours)).toBe(false);
    expect(isTrustedSender({ frameUrl: APP_START_URL, isMainFrame: true, webContentsId: 8 }, ours)).toBe(false);
    expect(isTrustedSender({ frameUrl: 'https://example.com/', isMainFrame: true, webContentsId: 7 }, ours)).toBe(false);
    expect(isTrustedSender({ frameUrl: undefined, isMainFrame: true, webContentsId: 7 }, ours)).toBe(false);
  });

  it('never navigates in the app; only allow-listed https links open outside', () => {
    expect(decideNavigation('https://nmap.org/book/man.html')).toEqual({ allowInApp: false, openExternally: true });
    expect(decideNavigation('https://evil.example/')).toEqual({ allowInApp: false, openExternally: false });
    expect(decideNavigation('file:///etc/passwd')).toEqual({ allowInApp: false, openExternally: false });
    expect(decideNavigation('app://scanready/index.html')).toEqual({ allowInApp: false, openExternally: false });
  });
});

describe('IPC bridge (sender check before the service)', () => {
  it('registers every channel; untrusted senders get forbidden, trusted ones reach validation', async () => {
    const handlers = new Map<string, (e: InvokeEventLike, p: unknown) => Promise<IpcResult<unknown>>>();
    const fakeIpcMain: IpcMainLike = { handle: (c, l) => handlers.set(c, l), removeHandler: (c) => handlers.delete(c) };
    const service = createServiceCore({ userDataDir: path.join(dir, 'ipc'), mode: 'electron', version: '1', engines: unavailableEngines() });
    const off = registerIpc(fakeIpcMain, service, () => new Set([1]));
    expect([...handlers.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort());
    const mainFrame = { url: APP_START_URL };
    const invoke = (channel: string, event: InvokeEventLike, payload: unknown): Promise<IpcResult<unknown>> => handlers.get(channel)!(event, payload);

    expect(await invoke('scanready:app:info', { sender: { id: 1, mainFrame }, senderFrame: mainFrame }, null)).toMatchObject({ ok: true });
    const iframe = { url: APP_START_URL };
    expect(await invoke('scanready:app:info', { sender: { id: 1, mainFrame }, senderFrame: iframe }, null)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const foreign = { url: 'https://evil.example/' };
    expect(await invoke('scanready:app:info', { sender: { id: 1, mainFrame: foreign }, senderFrame: foreign }, null)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await invoke('scanready:app:info', { sender: { id: 2, mainFrame }, senderFrame: mainFrame }, null)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await invoke('scanready:app:info', { sender: { id: 1, mainFrame }, senderFrame: null }, null)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await invoke('scanready:discover:start', { sender: { id: 1, mainFrame }, senderFrame: mainFrame }, { targets: 'x' })).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    off();
    expect(handlers.size).toBe(0);
    await service.close();
  });
});

describe('app:// protocol', () => {
  const root = path.join(dir, 'renderer');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>ScanReady</title>');
  writeFileSync(path.join(root, 'assets', 'a.css'), 'body{}');
  writeFileSync(path.join(dir, 'outside.txt'), 'outside');
  symlinkSync(path.join(dir, 'outside.txt'), path.join(root, 'assets', 'link.txt'));

  it('serves the renderer with the CSP header and nothing outside it', async () => {
    const page = await answerAppRequest(root, 'app://scanready/index.html');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/^default-src 'none'; script-src 'self'; style-src 'self'/);
    expect(page.headers['content-security-policy']).not.toMatch(/unsafe/);
    expect((await answerAppRequest(root, 'app://scanready/assets/a.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    for (const u of ['app://scanready/../outside.txt', 'app://scanready/%2e%2e/outside.txt', 'app://scanready/assets/link.txt', 'app://other/index.html']) {
      const a = await answerAppRequest(root, u);
      expect(String(a.body), u).not.toContain('outside');
    }
    expect((await answerAppRequest(path.join(dir, 'nope'), 'app://scanready/index.html')).body).toMatch(/not built/);
  });
});

describe('helper (--scanready-cli)', () => {
  it('extracts the CLI argv in packaged and dev launches, dropping our Chromium switches', () => {
    expect(cliArgsFromArgv(['/opt/ScanReady/scanready', '--no-sandbox', '--ozone-platform=headless', '--scanready-cli', 'discover', '--json', '--targets-file', '/tmp/t'])).toEqual([
      'discover',
      '--json',
      '--targets-file',
      '/tmp/t',
    ]);
    expect(cliArgsFromArgv(['/usr/bin/electron', '.', '--scanready-cli', 'discover'])).toEqual(['discover']);
    expect(cliArgsFromArgv(['/opt/ScanReady/scanready'])).toBeNull();
  });

  it('packaged: the app binary itself; dev: node + dist/cli.cjs; no node → unavailable', () => {
    expect(helperInvocation({ packaged: true, execPath: '/opt/ScanReady/scanready', platform: 'linux', distDir: '/x' })).toEqual({
      command: '/opt/ScanReady/scanready',
      args: ['--no-sandbox', '--ozone-platform=headless', '--scanready-cli'],
    });
    expect(helperInvocation({ packaged: true, execPath: 'C:\\P\\ScanReady.exe', platform: 'win32', distDir: '/x' })).toEqual({ command: 'C:\\P\\ScanReady.exe', args: ['--scanready-cli'] });
    expect(helperInvocation({ packaged: false, execPath: '/e/electron', platform: 'linux', distDir: '/repo/dist', findNode: () => '/usr/bin/node' })).toEqual({
      command: '/usr/bin/node',
      args: ['/repo/dist/cli.cjs'],
    });
    expect(helperInvocation({ packaged: false, execPath: '/e/electron', platform: 'linux', distDir: '/repo/dist', findNode: () => null })).toBeNull();
  });
});

describe('window state', () => {
  const screen = [{ x: 0, y: 0, width: 1920, height: 1040 }];

  it('persists atomically and restores on a visible display', async () => {
    const ud = path.join(dir, 'ws');
    expect(await loadWindowState(ud)).toBeNull();
    await saveWindowState(ud, { bounds: { x: 100, y: 80, width: 1000, height: 700 }, maximized: false });
    const loaded = await loadWindowState(ud);
    expect(placeWindow(loaded, screen)).toEqual({ bounds: { x: 100, y: 80, width: 1000, height: 700 }, maximized: false });
    writeFileSync(windowStateFile(ud), '{"bounds": "garbage"}');
    expect(await loadWindowState(ud)).toBeNull();
  });

  it('falls back when the saved display is gone and clamps partly visible windows', () => {
    expect(placeWindow({ bounds: { x: 3000, y: 0, width: 800, height: 600 }, maximized: true }, screen)).toEqual({ bounds: DEFAULT_SIZE, maximized: true });
    expect(placeWindow({ bounds: { x: 1500, y: 600, width: 800, height: 600 }, maximized: false }, screen).bounds).toEqual({ x: 1120, y: 440, width: 800, height: 600 });
    expect(placeWindow({ bounds: { x: 0, y: 0, width: 5000, height: 3000 }, maximized: false }, screen).bounds).toEqual({ x: 0, y: 0, width: 1920, height: 1040 });
    expect(placeWindow(null, screen)).toEqual({ bounds: DEFAULT_SIZE, maximized: false });
  });
});

describe('menu', () => {
  const roles = (items: MenuItem[]): string[] => items.flatMap((i) => [...(i.role ? [i.role] : []), ...roles(i.submenu ?? [])]);
  it('has the standard roles and an About item on every platform', () => {
    for (const isMac of [true, false]) {
      let about = 0;
      const t = buildMenuTemplate({ appName: 'ScanReady', isMac, isDev: false, showAbout: () => about++, openDocs: () => undefined });
      expect(roles(t)).toEqual(expect.arrayContaining(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'minimize', 'togglefullscreen', isMac ? 'close' : 'quit']));
      expect(roles(t)).not.toContain('toggleDevTools');
      const aboutItem = t.flatMap((i) => i.submenu ?? []).find((i) => i.label === 'About ScanReady');
      aboutItem?.click?.();
      expect(about).toBe(1);
    }
    expect(aboutText({ appName: 'ScanReady', version: '0.1.0', electron: '41', chrome: '140', node: '22', userDataDir: '/d' })).toMatch(/^ScanReady 0\.1\.0\n/);
  });
});
