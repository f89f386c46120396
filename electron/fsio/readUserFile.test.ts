/** The one reader for user-named files: special files and oversized files are refused before any read. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readUserFile, readUserFileBytes, USER_FILE_LIMITS, UserFileError, type UserFileKind } from './readUserFile.js';

const dir = mkdtempSync(path.join(tmpdir(), `sr-userfile-${process.pid}-`));
const fifo = path.join(dir, 'fifo');
const sock = path.join(dir, 'sock');
let server: Server;

beforeAll(async () => {
  execFileSync('mkfifo', [fifo]);
  server = createServer();
  await new Promise<void>((resolve) => server.listen(sock, resolve));
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const KINDS = Object.keys(USER_FILE_LIMITS) as UserFileKind[];

describe('readUserFile', () => {
  it('reads a regular file as text', async () => {
    const f = path.join(dir, 'ok.txt');
    writeFileSync(f, '198.18.1.10\n');
    expect(await readUserFile(f, 'targets')).toBe('198.18.1.10\n');
  });

  it.each(KINDS)('refuses /dev/zero, a FIFO, a directory and a socket as a %s, naming the file', async (kind) => {
    const label = USER_FILE_LIMITS[kind].label;
    for (const [file, what] of [
      ['/dev/zero', 'a character device'],
      [fifo, 'a FIFO'],
      [dir, 'a directory'],
      [sock, 'a socket'],
    ] as const) {
      const err = await readUserFile(file, kind).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserFileError);
      expect((err as UserFileError).code).toBe('bad-input');
      expect((err as Error).message).toBe(`cannot read ${label} "${file}": it is ${what}${what === 'a FIFO' ? ' (named pipe)' : ''}, not a regular file`);
    }
  });

  it.each(KINDS)('refuses a %s over its size cap, naming the limit', async (kind) => {
    const { label, maxBytes } = USER_FILE_LIMITS[kind];
    const f = path.join(dir, `big-${kind}`);
    writeFileSync(f, Buffer.alloc(maxBytes + 1, 0x41));
    await expect(readUserFile(f, kind)).rejects.toThrow(new RegExp(`^cannot read ${label} ".*big-${kind}": it is .* more than the .* limit for a ${label}$`));
    writeFileSync(f, Buffer.alloc(maxBytes, 0x41));
    expect((await readUserFileBytes(f, kind)).length).toBe(maxBytes);
  });

  it('says what went wrong for a missing or unreadable path, with the errno', async () => {
    await expect(readUserFile(path.join(dir, 'missing'), 'profile')).rejects.toThrow(/^cannot read profile file ".*missing": no such file \(ENOENT\)$/);
    const err = await readUserFile(path.join(dir, 'missing'), 'profile').catch((e: unknown) => e);
    expect((err as UserFileError).errno).toBe('ENOENT');
  });

  it('follows a symlink by default, refuses one with noFollow', async () => {
    const target = path.join(dir, 'real.txt');
    const link = path.join(dir, 'link.txt');
    writeFileSync(target, 'x');
    symlinkSync(target, link);
    expect(await readUserFile(link, 'targets')).toBe('x');
    await expect(readUserFile(link, 'targets', { noFollow: true })).rejects.toThrow(/it is a symbolic link, not a regular file/);
    // A symlink to a FIFO is still a FIFO.
    const fifoLink = path.join(dir, 'fifo-link');
    symlinkSync(fifo, fifoLink);
    await expect(readUserFile(fifoLink, 'targets')).rejects.toThrow(/a FIFO/);
  });

  it('makes control characters in the path visible in the message', async () => {
    const err = await readUserFile(path.join(dir, 'evil\u001b]0;owned\u0007'), 'targets').catch((e: unknown) => e);
    expect((err as Error).message).toContain('evil\\x1b]0;owned\\x07');
    // eslint-disable-next-line no-control-regex
    expect((err as Error).message).not.toMatch(/[\u0000-\u001f]/);
  });

  it('takes an explicit limit for other kinds of file', async () => {
    const f = path.join(dir, 'five.bin');
    writeFileSync(f, '12345');
    await expect(readUserFileBytes(f, { label: 'bundle', maxBytes: 4 })).rejects.toThrow(/5 bytes, more than the 4 bytes limit for a bundle/);
    expect((await readUserFileBytes(f, { label: 'bundle', maxBytes: 5 })).toString()).toBe('12345');
  });
});
