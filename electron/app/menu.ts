/**
 * The application menu as data (Electron's MenuItemConstructorOptions shape, declared
 * locally so this stays a plain module): standard roles plus About and Help links.
 */
export interface MenuItem {
  label?: string;
  role?: string;
  type?: 'separator' | 'submenu' | 'normal';
  accelerator?: string;
  submenu?: MenuItem[];
  click?: () => void;
}

export interface MenuOptions {
  appName: string;
  isMac: boolean;
  isDev: boolean;
  showAbout: () => void;
  openDocs: () => void;
  /** File → Export bundle… / Import bundle… (the UI acts on what is on screen). */
  exportBundle?: () => void;
  importBundle?: () => void;
}

export function buildMenuTemplate(o: MenuOptions): MenuItem[] {
  const sep: MenuItem = { type: 'separator' };
  const about: MenuItem = { label: `About ${o.appName}`, click: o.showAbout };
  return [
    ...(o.isMac
      ? [
          {
            label: o.appName,
            submenu: [about, sep, { role: 'services' }, sep, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, sep, { role: 'quit' }],
          },
        ]
      : []),
    {
      label: 'File',
      submenu: [
        ...(o.exportBundle ? [{ label: 'Export bundle…', accelerator: 'CmdOrCtrl+E', click: o.exportBundle }] : []),
        ...(o.importBundle ? [{ label: 'Import bundle…', accelerator: 'CmdOrCtrl+O', click: o.importBundle }, sep] : []),
        o.isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [{ role: 'undo' }, { role: 'redo' }, sep, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
    },
    {
      label: 'View',
      submenu: [
        ...(o.isDev ? [{ role: 'reload' }, { role: 'toggleDevTools' }, sep] : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        sep,
        { role: 'togglefullscreen' },
      ],
    },
    { label: 'Window', submenu: o.isMac ? [{ role: 'minimize' }, { role: 'zoom' }, sep, { role: 'front' }] : [{ role: 'minimize' }, { role: 'close' }] },
    { label: 'Help', role: 'help', submenu: [{ label: 'Nmap host discovery reference', click: o.openDocs }, ...(o.isMac ? [] : [sep, about])] },
  ];
}

export function aboutText(o: { appName: string; version: string; electron: string; chrome: string; node: string; userDataDir: string }): string {
  return [
    `${o.appName} ${o.version}`,
    'Why the scanner says "host not alive", and whether its credentials will work.',
    '',
    `Electron ${o.electron} · Chromium ${o.chrome} · Node ${o.node}`,
    `Data: ${o.userDataDir}`,
  ].join('\n');
}
