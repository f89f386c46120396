/**
 * The app window's security rules as plain functions (no electron import), so they are
 * tested under Node. main.ts applies them; nothing here is optional or commented out.
 */
import { isAllowedExternalUrl } from '../../shared/requests.js';

/** The renderer is served from this privileged custom scheme (see protocol.ts). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'scanready';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_START_URL = `${APP_ORIGIN}/index.html`;

/** webPreferences for every window. */
export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webviewTag: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  navigateOnDragDrop: false,
  spellcheck: false,
  safeDialogs: true,
  // Middle-click (auxclick) must not open links in new windows (Electronegativity AUXCLICK_JS_CHECK).
  disableBlinkFeatures: 'Auxclick',
} as const;

/** True for a URL of our own renderer (same scheme and host; no credentials, no port tricks). */
export function isAppUrl(raw: string | undefined | null): boolean {
  if (!raw) return false;
  try {
    const u = new URL(raw);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

export interface SenderInfo {
  /** URL of the frame that sent the IPC message (event.senderFrame.url). */
  frameUrl: string | undefined;
  /** The sending frame is its page's main frame (not an iframe). */
  isMainFrame: boolean;
  /** event.sender.id */
  webContentsId: number;
}

/** VS Code's validatedIpcMain idea: only our own main frame, in one of our windows, may call. */
export function isTrustedSender(sender: SenderInfo, ourWebContentsIds: ReadonlySet<number>): boolean {
  return sender.isMainFrame && ourWebContentsIds.has(sender.webContentsId) && isAppUrl(sender.frameUrl);
}

/**
 * Navigation: never (the renderer is a single page; links to the web open outside).
 * Returns what to do with a will-navigate / window.open / link click to `url`.
 */
export function decideNavigation(url: string): { allowInApp: false; openExternally: boolean } {
  return { allowInApp: false, openExternally: isAllowedExternalUrl(url) };
}
