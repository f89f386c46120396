/**
 * The desktop app's bundle dialogs (File → Export bundle…, Import bundle…): thin wrappers around
 * Electron's save/open dialogs. The decisions (file name, filters, what a cancel or a path means)
 * are plain functions tested without Electron (app.test.ts); the service does the work
 * (electron/service/bundles.ts).
 */
import type { BundleDialogs } from '../service/bundles.js';

/** Electron's dialog, only the two calls used here (structurally typed: tests pass a fake). */
export interface DialogLike {
  showSaveDialog(options: { title: string; defaultPath: string; filters: { name: string; extensions: string[] }[]; properties: string[] }): Promise<{ canceled: boolean; filePath?: string }>;
  showOpenDialog(options: { title: string; filters: { name: string; extensions: string[] }[]; properties: string[] }): Promise<{ canceled: boolean; filePaths: string[] }>;
}

export const BUNDLE_FILTERS = [{ name: 'ScanReady debug bundle', extensions: ['zip'] }];

/** A save path always ends in .zip (the dialog may return a name typed without it). */
export function withZipExtension(file: string): string {
  return /\.zip$/i.test(file) ? file : `${file}.zip`;
}

export function bundleDialogs(dialog: DialogLike, defaultDir: () => string, join: (dir: string, name: string) => string): BundleDialogs {
  return {
    async saveBundle(suggestedName) {
      const r = await dialog.showSaveDialog({
        title: 'Export debug bundle',
        defaultPath: join(defaultDir(), suggestedName),
        filters: BUNDLE_FILTERS,
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      });
      return r.canceled || !r.filePath ? null : withZipExtension(r.filePath);
    },
    async openBundle() {
      const r = await dialog.showOpenDialog({ title: 'Import debug bundle', filters: BUNDLE_FILTERS, properties: ['openFile'] });
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
  };
}
