/**
 * transcript.txt: the credential checks' SSH transcripts for a person — per check, per step, every
 * command sent (and what went to its stdin) and what came back, with exit code. The entries were
 * redacted when recorded (electron/ssh/transcript.ts); the bundle writer redacts the text again.
 */
import type { AuthResult } from '../../shared/auth.js';
import type { DiagnosisResult } from '../../shared/diagnosis.js';

function indent(text: string, prefix: string): string[] {
  const t = text.replace(/\n$/, '');
  return t === '' ? [`${prefix}(nothing)`] : t.split('\n').map((l) => `${prefix}${l}`);
}

function checkBlock(a: AuthResult): string[] {
  const lines = [`=== Credential check ${a.user}@${a.host}:${a.port} (delegation ${a.delegation}) — ${a.status}, started ${a.startedAt}`, ''];
  const entries = a.transcript ?? [];
  const byStep = new Map<string, typeof entries>();
  for (const e of entries) byStep.set(e.step, [...(byStep.get(e.step) ?? []), e]);
  for (const s of a.steps) {
    const ok = s.ok === true ? 'ok' : s.ok === false ? 'FAILED' : 'not run';
    lines.push(`--- step ${s.id}: ${ok}${s.reason ? ` (${s.reason})` : ''} — ${s.summary}`);
    const cmds = byStep.get(s.id) ?? [];
    byStep.delete(s.id);
    if (cmds.length === 0) lines.push('    (no remote command)');
    for (const e of cmds) lines.push(...commandBlock(e));
    lines.push('');
  }
  for (const [step, cmds] of byStep) {
    lines.push(`--- ${step}`);
    for (const e of cmds) lines.push(...commandBlock(e));
    lines.push('');
  }
  if (a.transcript === undefined) lines.push('(this check was stored without a transcript: made by a ScanReady before transcripts were recorded)', '');
  return lines;
}

function commandBlock(e: NonNullable<AuthResult['transcript']>[number]): string[] {
  const out: string[] = [];
  if (e.command !== '') out.push(`  $ ${e.command.split('\n').join('\n    ')}${e.pty ? '   [on a PTY]' : ''}`);
  for (const s of e.stdin) out.push(...indent(s, '  stdin> '));
  if (e.error !== undefined) out.push(`  error: ${e.error}`);
  else {
    out.push('  stdout:', ...indent(e.stdout, '    '));
    if (e.stderr !== '') out.push('  stderr:', ...indent(e.stderr, '    '));
    const how = e.timedOut ? 'timed out' : e.signal ? `killed by ${e.signal}` : `exit ${e.exitCode ?? '?'}`;
    out.push(`  → ${how}, ${e.ms} ms${e.truncated ? ', output truncated (cut where marked)' : ''}`);
  }
  return out;
}

/** The transcript text of every credential check in the results; null when there is none. */
export function transcriptText(input: { diagnoses: DiagnosisResult[]; auth: AuthResult[] }): string | null {
  const checks = [...input.diagnoses.flatMap((d) => (d.auth ? [d.auth] : [])), ...input.auth];
  if (checks.length === 0) return null;
  return [
    'ScanReady credential-check transcript',
    'Every command ScanReady sent over SSH, per step, and what came back. Secrets removed ([REDACTED]).',
    '',
    ...checks.flatMap(checkBlock),
  ].join('\n');
}
