/**
 * The one way to read a file the user names (targets files, profiles, private keys, OpenSSH
 * known_hosts imports, and whatever bundles read later). A path can point at anything: /dev/zero,
 * a FIFO that never gets a writer, a directory, a socket, a multi-gigabyte log. So:
 *
 * 1. `stat` first: anything but a regular file, or a file over the kind's size cap, is refused at
 *    once with one line naming the file and the limit.
 * 2. Open with O_NONBLOCK (a FIFO swapped in after the stat cannot block the open) and, where the
 *    caller asks, O_NOFOLLOW (a symlink swapped in is refused); then `fstat` the opened descriptor
 *    and check again — type, size and that it is the same file the path named at step 1.
 * 3. Read at most cap + 1 bytes, so a file that grows while we read is refused, not swallowed.
 */
import { constants, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { inertText } from '../../shared/inertText.js';

export type UserFileKind = 'targets' | 'profile' | 'private-key' | 'known-hosts' | 'scan-output';

/** Size caps per kind (README "Files ScanReady reads" lists them). */
export const USER_FILE_LIMITS: Record<UserFileKind, { label: string; maxBytes: number }> = {
  // A /16 written one address per line is ~1 MiB; 4 MiB leaves room for names and comments.
  targets: { label: 'targets file', maxBytes: 4 * 1024 * 1024 },
  // A profile is a few hundred bytes of JSON.
  profile: { label: 'profile file', maxBytes: 1024 * 1024 },
  // An RSA-16384 key in PEM is ~13 KiB.
  'private-key': { label: 'key file', maxBytes: 64 * 1024 },
  // ~50,000 hosts' keys.
  'known-hosts': { label: 'known_hosts file', maxBytes: 16 * 1024 * 1024 },
  // A scanner's report (Qualys CSV with every finding, Nmap XML): read as a stream, never whole.
  'scan-output': { label: 'scan file', maxBytes: 512 * 1024 * 1024 },
};

export interface ReadUserFileOptions {
  /** Refuse a symlink at the last path component (for files in a directory another user can write). */
  noFollow?: boolean;
}

/** A user file that cannot be read as asked; `code` is 'bad-input' (CLI exit 2, service 400). */
export class UserFileError extends Error {
  readonly code = 'bad-input';
  constructor(
    message: string,
    /** The errno behind it, when there is one (ENOENT, EACCES, ELOOP, ...). */
    readonly errno?: string,
  ) {
    super(message);
    this.name = 'UserFileError';
  }
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n % 1024 === 0 ? 0 : 1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(n % 1024 ** 2 === 0 ? 0 : 1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(1)} GiB`;
}

function typeOf(st: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSymbolicLink(): boolean }): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'it is a symbolic link (refused here)',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'it is a directory',
  ENAMETOOLONG: 'the path is too long',
};

/**
 * Reads a user-named file as bytes, refusing special files and files over `limit.maxBytes`.
 * `limit` is a kind from USER_FILE_LIMITS or an explicit `{ label, maxBytes }`.
 */
interface Opened {
  fh: FileHandle;
  name: string;
  maxBytes: number;
  size: number;
  refuseSize: (size: number) => never;
}

/** Steps 1 and 2: stat, open without blocking, fstat again. The caller closes `fh`. */
async function openChecked(
  file: string,
  limit: UserFileKind | { label: string; maxBytes: number },
  opts: ReadUserFileOptions,
): Promise<Opened> {
  const { label, maxBytes } = typeof limit === 'string' ? USER_FILE_LIMITS[limit] : limit;
  const name = `${label} "${inertText(file)}"`;
  const fail = (err: unknown): never => {
    const code = (err as NodeJS.ErrnoException).code;
    const text = code !== undefined ? ERRNO_TEXT[code] : undefined;
    throw new UserFileError(`cannot read ${name}: ${text !== undefined ? `${text} (${code})` : (code ?? 'error')}`, code);
  };
  const refuseType = (what: string): never => {
    throw new UserFileError(`cannot read ${name}: it is ${what}, not a regular file`);
  };
  const refuseSize = (size: number): never => {
    throw new UserFileError(`cannot read ${name}: it is ${formatBytes(size)}, more than the ${formatBytes(maxBytes)} limit for a ${label}`);
  };

  const before = await (opts.noFollow ? fs.lstat(file) : fs.stat(file)).catch(fail);
  if (!before.isFile()) refuseType(typeOf(before));
  if (before.size > maxBytes) refuseSize(before.size);

  // O_NONBLOCK and O_NOFOLLOW do not exist on Windows (no FIFOs in the file system there).
  const flags = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (opts.noFollow ? (constants.O_NOFOLLOW ?? 0) : 0);
  const fh = await fs.open(file, flags).catch(fail);
  try {
    const st = await fh.stat();
    if (!st.isFile()) refuseType(typeOf(st));
    if (st.dev !== before.dev || st.ino !== before.ino) {
      throw new UserFileError(`cannot read ${name}: it was replaced while being opened`);
    }
    if (st.size > maxBytes) refuseSize(st.size);
    return { fh, name, maxBytes, size: st.size, refuseSize };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

/**
 * Reads a user-named file as bytes, refusing special files and files over `limit.maxBytes`.
 * `limit` is a kind from USER_FILE_LIMITS or an explicit `{ label, maxBytes }`.
 */
export async function readUserFileBytes(
  file: string,
  limit: UserFileKind | { label: string; maxBytes: number },
  opts: ReadUserFileOptions = {},
): Promise<Buffer> {
  const { fh, maxBytes, size, refuseSize } = await openChecked(file, limit, opts);
  try {
    // size + 1 so that end of file is seen in one pass; grows (up to cap + 1) if the file does.
    let buf = Buffer.alloc(Math.min(maxBytes + 1, size + 1));
    let length = 0;
    for (;;) {
      if (length === buf.length) {
        if (length > maxBytes) refuseSize(length);
        const bigger = Buffer.alloc(Math.min(maxBytes + 1, length * 2 + 4096));
        buf.copy(bigger, 0, 0, length);
        buf = bigger;
      }
      const { bytesRead } = await fh.read(buf, length, buf.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) refuseSize(length);
    return buf.subarray(0, length);
  } finally {
    await fh.close();
  }
}

/**
 * Reads a user-named file as a stream of chunks (at most `chunkBytes` each), with the same checks as
 * readUserFileBytes: for inputs too large to hold whole (a scanner's CSV report). Never more than the
 * cap is read: a file that grows past it while being read ends the stream with a UserFileError.
 * Leaving the loop early closes the file.
 */
export async function* streamUserFile(
  file: string,
  limit: UserFileKind | { label: string; maxBytes: number },
  opts: ReadUserFileOptions & { chunkBytes?: number } = {},
): AsyncGenerator<Buffer, void, undefined> {
  const { fh, maxBytes, refuseSize } = await openChecked(file, limit, opts);
  try {
    const chunk = Math.max(1024, Math.min(opts.chunkBytes ?? 256 * 1024, 4 * 1024 * 1024));
    let position = 0;
    for (;;) {
      const buf = Buffer.alloc(chunk);
      const { bytesRead } = await fh.read(buf, 0, chunk, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      if (position > maxBytes) refuseSize(position);
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/** Reads a user-named file as UTF-8 text (invalid bytes become U+FFFD), with the same checks. */
export async function readUserFile(
  file: string,
  limit: UserFileKind | { label: string; maxBytes: number },
  opts: ReadUserFileOptions = {},
): Promise<string> {
  return (await readUserFileBytes(file, limit, opts)).toString('utf8');
}
