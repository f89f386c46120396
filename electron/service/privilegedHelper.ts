/**
 * The elevated side of "Run privileged probes": runs as root (or Administrator), reads one
 * HelperRequest from its input pipe, runs the discovery engine with raw sockets and writes
 * NDJSON to its output pipe (see helperProtocol.ts). It opens no file: everything it needs
 * comes through the pipe its unprivileged parent holds.
 *
 * On Linux the pipe is stdin/stdout (pkexec and sudo pass them through). macOS and Windows
 * elevation cannot, so there the helper connects back to a loopback port its parent listens on
 * and proves itself with a one-time nonce; that socket is then the pipe.
 */
import net from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { canUseRawSockets, discover } from '../probes/index.js';
import { parseTargets } from '../targets/index.js';
import { describeRequestProblem, HELPER_PROTOCOL_VERSION, helperRequestSchema, MAX_REQUEST_BYTES, type HelperError, type HelperHello } from './helperProtocol.js';

class RequestProblem extends Error {
  constructor(
    readonly code: HelperError['code'],
    message: string,
  ) {
    super(message);
  }
}

/** Reads the first line (the request) without ever holding more than the cap. */
function readRequestLine(input: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err: Error | null, line?: string): void => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', onError);
      input.pause();
      if (err) reject(err);
      else resolve(line ?? '');
    };
    const onData = (chunk: Buffer): void => {
      const nl = chunk.indexOf(0x0a);
      const part = nl >= 0 ? chunk.subarray(0, nl) : chunk;
      size += part.length;
      if (size > MAX_REQUEST_BYTES) return done(new RequestProblem('bad-input', `the request from ScanReady is larger than ${MAX_REQUEST_BYTES} bytes`));
      chunks.push(part);
      if (nl >= 0) done(null, Buffer.concat(chunks).toString('utf8'));
    };
    const onEnd = (): void => done(new RequestProblem('bad-input', 'ScanReady closed the pipe before sending a request'));
    const onError = (): void => done(new RequestProblem('bad-input', 'the pipe from ScanReady failed before a request arrived'));
    input.on('data', onData);
    input.once('end', onEnd);
    input.once('error', onError);
  });
}

/** Runs one request; resolves with the exit status (0 done or cancelled, 2 bad request, 3 failure). */
export async function runPrivilegedHelper(input: Readable, output: Writable): Promise<number> {
  const controller = new AbortController();
  let outputBroken = false;
  output.on('error', () => {
    // The parent went away (cancel): stop probing, nothing left to tell.
    outputBroken = true;
    controller.abort();
  });
  const write = async (value: unknown): Promise<void> => {
    if (outputBroken) return;
    if (!output.write(`${JSON.stringify(value)}\n`)) {
      await new Promise<void>((resolve) => {
        const go = (): void => {
          output.off('drain', go);
          output.off('close', go);
          resolve();
        };
        output.on('drain', go);
        output.on('close', go);
      });
    }
  };

  const rawSockets = canUseRawSockets();
  const hello: HelperHello = {
    type: 'helper',
    v: HELPER_PROTOCOL_VERSION,
    pid: process.pid,
    euid: typeof process.geteuid === 'function' ? process.geteuid() : null,
    rawSockets,
  };
  await write(hello);
  const fail = async (code: HelperError['code'], message: string): Promise<number> => {
    const err: HelperError = { type: 'helper-error', code, message };
    await write(err);
    return code === 'bad-input' ? 2 : 3;
  };

  try {
    const line = await readRequestLine(input);
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      // JSON.parse's own message quotes the input: say only what is wrong.
      return await fail('bad-input', 'the request from ScanReady is not valid JSON');
    }
    const parsed = helperRequestSchema.safeParse(json);
    if (!parsed.success) return await fail('bad-input', describeRequestProblem(parsed.error));
    const req = parsed.data;
    if (!rawSockets) return await fail('unavailable', 'the helper has no raw sockets: it did not run as root / Administrator');
    let targets;
    try {
      targets = await parseTargets(req.entries, { force: req.force });
    } catch {
      return await fail('bad-input', 'a target in the request from ScanReady is not valid');
    }
    // The parent closing its end is the cancel button.
    const cancel = (): void => controller.abort();
    input.once('end', cancel);
    input.once('close', cancel);
    input.resume();
    try {
      for await (const ev of discover(targets, { profile: req.profile, mode: 'raw', signal: controller.signal, ...(req.ratePps !== undefined ? { ratePps: req.ratePps } : {}) })) {
        await write(ev);
        if (outputBroken) break;
      }
    } finally {
      input.off('end', cancel);
      input.off('close', cancel);
    }
    return 0;
  } catch (err) {
    if (err instanceof RequestProblem) return await fail(err.code, err.message);
    return await fail('internal', 'the privileged probe helper failed unexpectedly');
  }
}

/** macOS/Windows: connect back to the parent on loopback, prove the nonce, then run. */
export async function runPrivilegedHelperConnected(port: number, nonce: string): Promise<number> {
  const socket = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(`${nonce}\n`);
  try {
    return await runPrivilegedHelper(socket, socket);
  } finally {
    await new Promise<void>((resolve) => socket.end(resolve));
  }
}
