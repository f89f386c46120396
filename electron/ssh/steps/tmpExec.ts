/**
 * Step `tmp-exec`: scanners write most checks as small scripts to /tmp, run and remove them.
 * Writes, runs and removes one script there (as root when delegation worked) and reads the /tmp
 * mount options (Linux /proc/mounts; elsewhere the `mount` table) to name `noexec`.
 */
import type { RanStep } from '../../../shared/auth.js';
import type { Markers } from '../markers.js';
import { clip } from '../text.js';
import { scriptStep, type RemoteRun } from './context.js';

export interface ParsedTmpExec {
  /** `missing`/`not-writable`: /tmp could not take a file; `ran`: our script printed its marker; `failed`: it did not; `unknown`: no answer. */
  state: 'missing' | 'not-writable' | 'ran' | 'failed' | 'unknown';
  rc: number | null;
  /** What running the script printed (the error, when it did not run). */
  out: string;
  /** The /tmp line of the mount table ('' when /tmp is no mount of its own or it cannot be read). */
  mount: string;
  noexec: boolean;
}

export function tmpExecScript(m: Markers): string {
  return [
    `if [ ! -d /tmp ]; then ${m.flag('missing')}; exit 0; fi`,
    'f=$(mktemp /tmp/scanready.XXXXXX 2>/dev/null) || f=/tmp/scanready.$$',
    `if ! ( : > "$f" ) 2>/dev/null; then ${m.flag('not-writable')}; exit 0; fi`,
    `printf '#!/bin/sh\\necho ${m.prefix}ran\\n' > "$f"`,
    'chmod 700 "$f"',
    'out=$("$f" 2>&1); rc=$?',
    'rm -f "$f"',
    m.line('rc', '$rc'),
    `printf '%s\\n' "$out" | head -n 20 | ${m.tagLines('out')}`,
    'mnt=$(grep -E "[[:space:]]/tmp[[:space:]]" /proc/mounts 2>/dev/null | head -n 1)',
    '[ -n "$mnt" ] || mnt=$(mount 2>/dev/null | grep -E "[[:space:]]/tmp[[:space:]]|^/tmp[[:space:]]" | head -n 1)',
    m.line('mount', '$mnt'),
  ].join('; ');
}

export function parseTmpExec(text: string, m: Markers): ParsedTmpExec {
  const lines = m.parse(text);
  const mount = (lines.get('mount') ?? '').trim();
  const out = lines.all('out');
  const rcText = lines.get('rc')?.trim() ?? '';
  const rc = /^\d{1,3}$/.test(rcText) ? Number(rcText) : null;
  const base = { rc, mount, noexec: /(^|[\s,(/])noexec([\s,)/]|$)/.test(mount) };
  if (lines.has('missing')) return { ...base, state: 'missing', out: '' };
  if (lines.has('not-writable')) return { ...base, state: 'not-writable', out: '' };
  const ranLine = `${m.prefix}ran`;
  const ran = out.some((l) => l.trim() === ranLine);
  const printed = clip(out.filter((l) => l.trim() !== ranLine).join('\n').trim(), 500);
  if (ran) return { ...base, state: 'ran', out: printed };
  if (lines.has('rc')) return { ...base, state: 'failed', out: printed };
  return { ...base, state: 'unknown', out: printed };
}

export function tmpExecResult(p: ParsedTmpExec, r: RemoteRun, user: string, timeoutMs: number): RanStep<'tmp-exec'> {
  const as = r.root ? 'as root' : `as ${user}`;
  const data = { ranAs: r.root ? 'root' : user, mount: p.mount || null, output: clip(r.text, 1000) };
  switch (p.state) {
    case 'missing':
      return { id: 'tmp-exec', ok: false, ms: r.ms, reason: 'tmp-missing', summary: '/tmp does not exist', explanation: 'Most scanner checks are small scripts written to /tmp: without it they cannot run.', data };
    case 'not-writable':
      return { id: 'tmp-exec', ok: false, ms: r.ms, reason: 'tmp-not-writable', summary: `/tmp is not writable ${as}`, explanation: 'The scanner writes its check scripts to /tmp; if it cannot, those checks fail.', data };
    case 'ran':
      return { id: 'tmp-exec', ok: true, ms: r.ms, summary: `wrote, ran and removed a script in /tmp ${as}`, data };
    case 'failed':
      return {
        id: 'tmp-exec',
        ok: false,
        ms: r.ms,
        reason: p.noexec ? 'noexec' : 'exec-failed',
        summary: p.noexec ? '/tmp is mounted noexec: a script written there cannot run' : `a script in /tmp did not run (${clip(p.out.split('\n')[0] ?? '', 120)})`,
        explanation:
          'Scanners write most checks as small scripts to /tmp and execute them. With /tmp noexec those checks fail (false negatives). Allow exec on /tmp for the scan, or configure the scanner to use another writable, exec-allowed directory where it supports one.',
        data,
      };
    case 'unknown':
      return {
        id: 'tmp-exec',
        ok: false,
        ms: r.ms,
        reason: r.timedOut ? 'timeout' : 'exec-failed',
        summary: r.timedOut ? `the /tmp test did not finish within ${timeoutMs} ms` : 'the /tmp test could not run',
        data,
      };
  }
}

export const tmpExecStep = scriptStep<ParsedTmpExec>({
  id: 'tmp-exec',
  marker: 'tmp',
  as: 'root',
  script: (m) => tmpExecScript(m),
  parse: parseTmpExec,
  result: (p, r, ctx) => tmpExecResult(p, r, ctx.req.user, ctx.req.timeoutMs),
});
