/**
 * Reading a bundle back (`scanready show`, and later the app's import): with yauzl, entries read
 * as streams, and a bad archive refused with one clear line — never a crash, never a file written.
 *
 * Refused: not a regular file or over MAX_BUNDLE_FILE_BYTES; not a zip; a corrupt zip; an entry
 * name that is absolute, has a drive letter or a backslash, or climbs out with `..`; more than
 * MAX_BUNDLE_ENTRIES entries; an entry over MAX_ENTRY_BYTES or a total over MAX_TOTAL_BYTES
 * (counted as the bytes are inflated, not only as the archive claims); an entry that inflates more
 * than MAX_RATIO times its compressed size (a zip bomb); a zip without ScanReady's result.json
 * (not a bundle); a bundle of a newer schemaVersion than this ScanReady reads.
 */
import { promises as fs } from 'node:fs';
import yauzl from 'yauzl';
import { BUNDLE_KIND, BUNDLE_SCHEMA_VERSION, BundleError, type BundleResult } from './bundle.js';

import { MAX_BUNDLE_ENTRIES, MAX_BUNDLE_FILE_BYTES, MAX_ENTRY_BYTES, MAX_RATIO, MAX_TOTAL_BYTES } from './limits.js';

export { MAX_BUNDLE_ENTRIES, MAX_BUNDLE_FILE_BYTES, MAX_ENTRY_BYTES, MAX_RATIO, MAX_TOTAL_BYTES };

export interface ReadBundle {
  file: string;
  entries: Map<string, Buffer>;
  result: BundleResult;
}

/** A name that stays inside the archive's own directory: relative, forward slashes, no `..`. */
export function safeEntryName(name: string): boolean {
  if (name === '' || name.length > 255) return false;
  if (name.startsWith('/') || name.includes('\\') || /^[A-Za-z]:/.test(name) || name.includes('\0')) return false;
  return name.split('/').every((part) => part !== '..' && part !== '.');
}

function bad(file: string, why: string): BundleError {
  return new BundleError('bad-input', `cannot open bundle ${file}: ${why}`);
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    // strictFileNames off: our own check below gives the clearer message.
    yauzl.open(file, { lazyEntries: true, autoClose: true, validateEntrySizes: true, strictFileNames: false }, (err, zip) => {
      if (err || !zip) reject(bad(file, /end of central directory/i.test(err?.message ?? '') ? 'not a zip file' : `corrupt zip (${err?.message ?? 'unreadable'})`));
      else resolve(zip);
    });
  });
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, file: string, budget: { left: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(bad(file, `corrupt entry ${entry.fileName} (${err?.message ?? 'unreadable'})`));
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        size += c.length;
        budget.left -= c.length;
        if (size > MAX_ENTRY_BYTES || budget.left < 0) {
          stream.destroy();
          reject(bad(file, `entry ${entry.fileName} inflates beyond the size cap (a zip bomb?)`));
          return;
        }
        chunks.push(c);
      });
      stream.on('error', (e: Error) => reject(bad(file, `corrupt entry ${entry.fileName} (${e.message})`)));
      stream.on('end', () => resolve(Buffer.concat(chunks, size)));
    });
  });
}

/** Reads and checks a bundle. Errors are BundleErrors ('bad-input') with one line naming the file. */
export async function readBundle(file: string): Promise<ReadBundle> {
  let st;
  try {
    st = await fs.stat(file);
  } catch (err) {
    throw bad(file, (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : ((err as NodeJS.ErrnoException).code ?? 'unreadable'));
  }
  if (!st.isFile()) throw bad(file, 'not a regular file');
  if (st.size > MAX_BUNDLE_FILE_BYTES) throw bad(file, `larger than ${MAX_BUNDLE_FILE_BYTES / (1024 * 1024)} MB`);

  const zip = await openZip(file);
  const entries = new Map<string, Buffer>();
  const budget = { left: MAX_TOTAL_BYTES };
  try {
    if (zip.entryCount > MAX_BUNDLE_ENTRIES) throw bad(file, `${zip.entryCount} entries (a bundle has at most ${MAX_BUNDLE_ENTRIES})`);
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (e: Error) =>
        reject(bad(file, /relative path|absolute path|invalid characters/i.test(e.message) ? `unsafe entry name (${e.message.slice(0, 120)})` : `corrupt zip (${e.message})`)),
      );
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        void (async () => {
          const name = entry.fileName;
          if (!safeEntryName(name)) throw bad(file, `unsafe entry name ${JSON.stringify(name.slice(0, 80))} (absolute or outside the archive)`);
          if (name.endsWith('/')) return;
          if (entry.uncompressedSize > MAX_ENTRY_BYTES) throw bad(file, `entry ${name} is ${entry.uncompressedSize} bytes (cap ${MAX_ENTRY_BYTES}: a zip bomb?)`);
          if (entry.uncompressedSize > 1024 * 1024 && entry.uncompressedSize > MAX_RATIO * Math.max(1, entry.compressedSize)) {
            throw bad(file, `entry ${name} inflates ${Math.round(entry.uncompressedSize / Math.max(1, entry.compressedSize))}:1 (cap ${MAX_RATIO}:1, a zip bomb?)`);
          }
          if (entries.has(name)) throw bad(file, `entry ${name} appears twice`);
          entries.set(name, await readEntry(zip, entry, file, budget));
        })().then(() => zip.readEntry(), reject);
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }

  const raw = entries.get('result.json');
  if (!raw) throw bad(file, 'not a ScanReady bundle (no result.json)');
  let result: BundleResult;
  try {
    result = JSON.parse(raw.toString('utf8')) as BundleResult;
  } catch {
    throw bad(file, 'not a ScanReady bundle (result.json is not JSON)');
  }
  if (typeof result !== 'object' || result === null || result.kind !== BUNDLE_KIND) throw bad(file, 'not a ScanReady bundle (result.json is not ScanReady\'s)');
  const version = typeof result.schemaVersion === 'number' ? result.schemaVersion : (result as { version?: unknown }).version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) throw bad(file, 'not a ScanReady bundle (no schemaVersion)');
  if (version > BUNDLE_SCHEMA_VERSION) throw bad(file, `made by a newer ScanReady (schemaVersion ${version}; this one reads up to ${BUNDLE_SCHEMA_VERSION}): update ScanReady`);
  for (const list of ['diagnoses', 'discoveries', 'auth'] as const) if (!Array.isArray(result[list])) result[list] = [];
  return { file, entries, result };
}
