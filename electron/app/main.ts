/**
 * Electron main: one window, the service behind validated IPC, nothing else.
 * The rules live in plain, tested modules beside this file (security, protocol, ipcMainBridge,
 * windowState, menu, cliSwitch); this file only wires them to Electron.
 *
 * Started with `--scanready-cli ...` (by "Run privileged probes", elevated, or by the `scanready`
 * wrapper an installer puts on the PATH), the same binary runs any CLI command (discover, auth,
 * diagnose, serve, …) and exits without opening a window.
 */
import path from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeTheme,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
  type MenuItemConstructorOptions,
  type OpenDialogOptions,
  type SaveDialogOptions,
} from 'electron';
import { isAllowedExternalUrl } from '../../shared/requests.js';
import { runCli } from '../cli/program.js';
import { createService, defaultUserDataDir, type Service } from '../service/index.js';
import { cliArgsFromArgv, helperInvocation } from './cliSwitch.js';
import { registerIpc } from './ipcMainBridge.js';
import { bundleDialogs } from './bundleDialogs.js';
import { aboutText, buildMenuTemplate } from './menu.js';
import { safeStorageVault } from './secretVault.js';
import { answerAppRequest } from './protocol.js';
import { APP_SCHEME, APP_START_URL, decideNavigation, isAppUrl, SECURE_WEB_PREFERENCES } from './security.js';
import { loadWindowState, MIN_SIZE, placeWindow, saveWindowState } from './windowState.js';

const DOCS_URL = 'https://nmap.org/book/host-discovery.html';

/** dist/ (this file is bundled to dist/main.cjs). */
const distDir = __dirname;
const rendererDir = path.join(distDir, 'renderer');

const helperArgs = cliArgsFromArgv(process.argv);
if (helperArgs !== null) runHelper(helperArgs);
else runApp();

function runHelper(args: string[]): void {
  app.dock?.hide();
  // `serve` here serves the UI packed with the app, and elevates through this same binary.
  const serve = {
    rendererDir,
    cli: helperInvocation({ packaged: app.isPackaged, execPath: process.execPath, platform: process.platform, distDir }),
  };
  void runCli(args, { serve })
    .catch((err: unknown) => {
      process.stderr.write(`scanready: ${err instanceof Error ? err.message : String(err)}\n`);
      return 3;
    })
    .then((code) => {
      // Electron does not exit when the event loop drains: leave with the CLI's status.
      process.stdout.write('', () => app.exit(code));
    });
}

function openExternally(url: string): void {
  if (decideNavigation(url).openExternally) void shell.openExternal(url); // eng-disable OPEN_EXTERNAL_JS_CHECK: only https origins on the allow-list (decideNavigation, tested in app.test.ts)
}

function runApp(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  // The same directory `scanready serve` uses, so history and profiles are shared.
  const userDataDir = defaultUserDataDir();
  app.setPath('userData', userDataDir);
  app.enableSandbox();

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }

  let win: BrowserWindow | null = null;
  let service: Service | null = null;
  let pendingSave: Promise<void> = Promise.resolve();
  let quitting = false;

  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });

  // Every web contents, present and future: no navigation, no new windows, no webviews.
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      event.preventDefault();
      openExternally(url);
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.setWindowOpenHandler(({ url }) => {
      openExternally(url);
      return { action: 'deny' };
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  async function createWindow(): Promise<void> {
    const placement = placeWindow(await loadWindowState(userDataDir), screen.getAllDisplays().map((d) => d.workArea));
    // eng-disable below: the scanner cannot see through the spread; SECURE_WEB_PREFERENCES (security.ts,
    // pinned by app.test.ts) sets contextIsolation, sandbox, nodeIntegration false and disables Auxclick.
    const w = new BrowserWindow({ // eng-disable CONTEXT_ISOLATION_JS_CHECK SANDBOX_JS_CHECK AUXCLICK_JS_CHECK
      ...placement.bounds,
      minWidth: MIN_SIZE.width,
      minHeight: MIN_SIZE.height,
      show: false,
      title: 'ScanReady',
      backgroundColor: nativeTheme.shouldUseDarkColors ? '#15171a' : '#ffffff',
      webPreferences: { ...SECURE_WEB_PREFERENCES, preload: path.join(distDir, 'preload.cjs') }, // eng-disable PRELOAD_JS_CHECK: exposes named, schema-validated API methods only (electron/preload)
    });
    win = w;
    if (placement.maximized) w.maximize();
    w.once('ready-to-show', () => w.show());

    let timer: NodeJS.Timeout | null = null;
    const save = (): void => {
      if (w.isDestroyed()) return;
      const state = { bounds: w.getNormalBounds(), maximized: w.isMaximized() };
      pendingSave = pendingSave.then(() => saveWindowState(userDataDir, state)).catch(() => undefined);
    };
    const saveSoon = (): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(save, 500);
    };
    w.on('resize', saveSoon);
    w.on('move', saveSoon);
    w.on('close', () => {
      if (timer) clearTimeout(timer);
      save();
    });
    w.on('closed', () => {
      if (win === w) win = null;
    });
    await w.loadURL(APP_START_URL);
  }

  function showAbout(): void {
    const detail = aboutText({
      appName: 'ScanReady',
      version: app.getVersion(),
      electron: process.versions.electron ?? '?',
      chrome: process.versions.chrome ?? '?',
      node: process.versions.node,
      userDataDir,
    });
    const options = { type: 'info' as const, title: 'About ScanReady', message: `ScanReady ${app.getVersion()}`, detail, buttons: ['OK'] };
    void (win ? dialog.showMessageBox(win, options) : dialog.showMessageBox(options));
  }

  app
    .whenReady()
    .then(async () => {
      // No camera, microphone, notifications, geolocation…: the UI needs none.
      session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
      session.defaultSession.setPermissionCheckHandler(() => false);
      protocol.handle(APP_SCHEME, async (request) => {
        const answer = await answerAppRequest(rendererDir, request.url);
        return new Response(typeof answer.body === 'string' ? answer.body : new Uint8Array(answer.body), { status: answer.status, headers: answer.headers });
      });

      const svc = createService({
        userDataDir,
        mode: 'electron',
        version: app.getVersion(),
        // "Remember" for credentials: only through the OS's encryption (refused without it).
        secretVault: safeStorageVault(safeStorage),
        cli: helperInvocation({ packaged: app.isPackaged, execPath: process.execPath, platform: process.platform, distDir }),
        bundleDialogs: bundleDialogs(
          {
            showSaveDialog: (o) => (win ? dialog.showSaveDialog(win, o as SaveDialogOptions) : dialog.showSaveDialog(o as SaveDialogOptions)),
            showOpenDialog: (o) => (win ? dialog.showOpenDialog(win, o as OpenDialogOptions) : dialog.showOpenDialog(o as OpenDialogOptions)),
          },
          () => app.getPath('documents'),
          (dir, name) => path.join(dir, name),
        ),
        openExternal: async (url) => {
          // Re-checked here: the allow-list is the last thing before the OS opens anything.
          if (!isAllowedExternalUrl(url)) throw Object.assign(new Error('this link is not on the allow-list'), { code: 'bad-input' });
          await shell.openExternal(url); // eng-disable OPEN_EXTERNAL_JS_CHECK: allow-list re-checked on the line above
        },
      });
      service = svc;
      registerIpc(ipcMain, svc, () => new Set(BrowserWindow.getAllWindows().map((bw) => bw.webContents.id)));
      svc.on((channel, payload) => {
        for (const bw of BrowserWindow.getAllWindows()) {
          if (!bw.isDestroyed() && !bw.webContents.isDestroyed()) bw.webContents.send(channel, payload);
        }
      });

      const template = buildMenuTemplate({
        appName: 'ScanReady',
        isMac: process.platform === 'darwin',
        isDev: !app.isPackaged,
        showAbout,
        openDocs: () => openExternally(DOCS_URL),
        // The UI knows which run is on screen: it answers with bundle.saveAs / bundle.open.
        exportBundle: () => win?.webContents.send('scanready:app:menu', { action: 'export-bundle' }),
        importBundle: () => win?.webContents.send('scanready:app:menu', { action: 'import-bundle' }),
      });
      Menu.setApplicationMenu(Menu.buildFromTemplate(template as MenuItemConstructorOptions[]));
      await createWindow();
    })
    .catch((err: unknown) => {
      dialog.showErrorBox('ScanReady could not start', err instanceof Error ? err.message : String(err));
      app.exit(1);
    });

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0 && app.isReady()) void createWindow();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (quitting) return;
    // Cancel runs (sockets, SSH sessions, the elevated helper) and finish writes before exiting.
    event.preventDefault();
    quitting = true;
    void Promise.allSettled([service?.close(), pendingSave]).finally(() => app.quit());
  });
}
