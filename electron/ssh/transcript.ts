/**
 * The credential check's transcript: every command sent over SSH (with what was written to its
 * stdin) and what came back, per step. Redacted when recorded, by the one redactor
 * (electron/bundle/redact.ts) with the run's own secrets — the password, passphrase, private key,
 * delegation password and template — so nothing stored or exported afterwards ever held them.
 * Bounded: each stream is cut at PER_STREAM_CHARS, the whole transcript at TOTAL_CHARS (later
 * commands are then counted, not kept).
 */
import type { TranscriptEntry } from '../../shared/auth.js';
import { redactor, requestSecrets } from '../bundle/redact.js';
import { decodeOutput } from './text.js';

export const PER_STREAM_CHARS = 16 * 1024;
export const TOTAL_CHARS = 512 * 1024;
export const CUT_MARK = '[… cut by ScanReady:';

export interface TranscriptSecrets {
  password?: string | undefined;
  passphrase?: string | undefined;
  privateKey?: string | undefined;
  delegationPassword?: string | undefined;
  delegationCommand?: string | undefined;
}

export interface RecordInput {
  command: string;
  stdin: readonly string[];
  pty: boolean;
  stdout?: Buffer;
  stderr?: Buffer;
  code?: number | null;
  signal?: string | null;
  timedOut?: boolean;
  truncated?: boolean;
  error?: string;
  ms: number;
}

function cut(s: string, max: number): { text: string; cut: boolean } {
  if (s.length <= max) return { text: s, cut: false };
  return { text: `${s.slice(0, max)}\n${CUT_MARK} ${s.length - max} more characters]`, cut: true };
}

export class Transcript {
  /** The step whose commands are being recorded (the runner sets it before each step). */
  step = 'login';
  readonly entries: TranscriptEntry[] = [];
  /** Commands not kept because the transcript was full. */
  dropped = 0;
  private chars = 0;
  private readonly red: { text(s: string): string };

  constructor(secrets: TranscriptSecrets, private readonly caps = { perStream: PER_STREAM_CHARS, total: TOTAL_CHARS }) {
    this.red = redactor(requestSecrets(secrets));
  }

  record(r: RecordInput): void {
    if (this.chars >= this.caps.total) {
      this.dropped++;
      return;
    }
    // Redact the whole text before cutting: a secret must not survive split across the cut.
    const out = cut(this.red.text(decodeOutput(r.stdout ?? Buffer.alloc(0))), this.caps.perStream);
    const err = cut(this.red.text(decodeOutput(r.stderr ?? Buffer.alloc(0))), this.caps.perStream);
    const command = cut(this.red.text(r.command), this.caps.perStream);
    const stdin = r.stdin.map((s) => cut(this.red.text(s), 4096).text);
    const entry: TranscriptEntry = {
      step: this.step,
      command: command.text,
      stdin,
      pty: r.pty,
      exitCode: r.code ?? null,
      signal: r.signal ?? null,
      timedOut: r.timedOut === true,
      truncated: r.truncated === true || out.cut || err.cut || command.cut,
      stdout: out.text,
      stderr: err.text,
      ...(r.error !== undefined ? { error: this.red.text(r.error) } : {}),
      ms: r.ms,
    };
    this.chars += entry.command.length + entry.stdout.length + entry.stderr.length + stdin.reduce((n, s) => n + s.length, 0);
    this.entries.push(entry);
  }
}
