/**
 * The service's debug-bundle calls (issue 10): export a stored run (bytes for a download, or the
 * desktop app's save dialog), and open a bundle into History (bytes from an upload / a drop, or
 * the desktop app's open dialog). Built from the stored result: nothing is probed again.
 *
 * The native dialogs are the desktop app's (electron/app/bundleDialogs.ts) and reach here as
 * `BundleDialogs`; without them (web mode) save-as / open are `unavailable`. Temporary files live
 * in the data directory's `tmp/` (0700) and are removed on every path.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { BundleExport, BundleImported } from '../../shared/ipc.js';
import type { BundleExportRequest, BundleImportRequest } from '../../shared/requests.js';
import { BundleError } from '../bundle/bundle.js';
import { bundleFileName, writeBundleFromStore } from '../bundle/export.js';
import { importBundle, importName } from '../bundle/import.js';
import { MAX_BUNDLE_FILE_BYTES } from '../bundle/limits.js';
import { HistoryError, type HistoryStore, type RetentionPolicy } from '../history/index.js';
import { ServiceError } from './errors.js';

/** The desktop app's native file dialogs (null: the user cancelled). */
export interface BundleDialogs {
  saveBundle(suggestedName: string): Promise<string | null>;
  openBundle(): Promise<string | null>;
}

export interface BundleServiceOptions {
  userDataDir: string;
  history: HistoryStore;
  dialogs: BundleDialogs | null;
  retention: () => Promise<RetentionPolicy>;
  /** History changed (new imported entries). */
  changed: (ids: string[]) => void;
}

function asServiceError(err: unknown): Error {
  if (err instanceof BundleError) return new ServiceError(err.code === 'bad-input' ? 'bad-input' : 'internal', err.message);
  if (err instanceof HistoryError) return new ServiceError(err.code === 'not-found' ? 'not-found' : err.code === 'bad-input' ? 'bad-input' : 'internal', err.message);
  return err instanceof Error ? err : new Error(String(err));
}

export function bundleHandlers(o: BundleServiceOptions) {
  const tmpDir = path.join(o.userDataDir, 'tmp');
  const tmpFile = async (ext: string): Promise<string> => {
    await fs.mkdir(tmpDir, { recursive: true, mode: 0o700 });
    return path.join(tmpDir, `bundle-${process.pid}-${randomBytes(6).toString('hex')}${ext}`);
  };
  const entryOf = (id: string) => {
    try {
      return o.history.get(id);
    } catch (err) {
      throw asServiceError(err);
    }
  };
  const keep = async (file: string, displayName: string): Promise<BundleImported> => {
    try {
      const r = await importBundle(file, o.history, displayName, await o.retention());
      o.changed(r.ids);
      return { fileName: r.fileName, ids: r.ids };
    } catch (err) {
      throw asServiceError(err);
    }
  };

  return {
    'scanready:bundle:export': async (req: BundleExportRequest): Promise<BundleExport> => {
      const entry = entryOf(req.id);
      const file = await tmpFile('.zip');
      try {
        const written = await writeBundleFromStore(o.history, req.id, file, { redactHosts: req.redactHosts === true });
        const data = await fs.readFile(file);
        return { fileName: bundleFileName(entry), data: data.toString('base64'), bytes: data.length, entries: written.entries };
      } catch (err) {
        throw asServiceError(err);
      } finally {
        await fs.rm(file, { force: true });
      }
    },
    'scanready:bundle:import': async (req: BundleImportRequest): Promise<BundleImported> => {
      const bytes = Buffer.from(req.data, 'base64');
      if (bytes.length === 0) throw new ServiceError('bad-input', `cannot open bundle ${importName(req.fileName)}: the file is empty`);
      if (bytes.length > MAX_BUNDLE_FILE_BYTES) throw new ServiceError('bad-input', `cannot open bundle ${importName(req.fileName)}: larger than ${MAX_BUNDLE_FILE_BYTES / (1024 * 1024)} MB`);
      const file = await tmpFile('.zip');
      try {
        await fs.writeFile(file, bytes, { mode: 0o600, flag: 'wx' });
        return await keep(file, req.fileName);
      } finally {
        await fs.rm(file, { force: true });
      }
    },
    'scanready:bundle:save-as': async (req: BundleExportRequest): Promise<{ file: string | null }> => {
      if (!o.dialogs) throw new ServiceError('unavailable', 'saving to a file is the desktop app\'s: in web mode Export downloads the bundle');
      const entry = entryOf(req.id);
      const file = await o.dialogs.saveBundle(bundleFileName(entry));
      if (file === null) return { file: null };
      try {
        // The dialog asked about replacing an existing file.
        const written = await writeBundleFromStore(o.history, req.id, file, { redactHosts: req.redactHosts === true, overwrite: true });
        return { file: written.file };
      } catch (err) {
        throw asServiceError(err);
      }
    },
    'scanready:bundle:open': async (): Promise<BundleImported | null> => {
      if (!o.dialogs) throw new ServiceError('unavailable', 'opening a file is the desktop app\'s: in web mode use Import (a file upload) or drop the file on the window');
      const file = await o.dialogs.openBundle();
      if (file === null) return null;
      return keep(file, file);
    },
  };
}
