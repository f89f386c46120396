/**
 * Human output for the terminal: tables and colours (off when not a TTY or NO_COLOR is set).
 * Every formatter first passes its input through `inertDeep` (shared/inertText.ts): results carry
 * outside text (host names, OS error text, remote output), and only our own styling may reach the
 * terminal as escape sequences.
 */
import type { Advice } from '../../shared/advice.js';
import type { HostResult, ProbeResult, Verdict } from '../../shared/discovery.js';
import { inertDeep } from '../../shared/inertText.js';

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
}

export function makeStyle(enabled: boolean): Style {
  const wrap = (open: number, close: number) => (s: string) => (enabled ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return { bold: wrap(1, 22), dim: wrap(2, 22), green: wrap(32, 39), red: wrap(31, 39), yellow: wrap(33, 39) };
}

export function colourEnabled(stream: NodeJS.WriteStream): boolean {
  return stream.isTTY && process.env.NO_COLOR === undefined && process.env.TERM !== 'dumb';
}

/** Pads columns to their widest cell; the last column is not padded. */
export function table(rows: string[][], indent = ''): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell))));
  return rows
    .map((row) => indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - visibleLength(cell)))).join('  '))
    .join('\n');
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[\d+m/g;
function visibleLength(s: string): number {
  return s.replace(ANSI, '').length;
}

// One probe-label formatter for the CLI, the UI and the engine.
import { probeLabel } from '../../shared/discovery.js';
export { probeLabel };

export function verdictText(v: Verdict, style: Style): string {
  switch (v) {
    case 'alive':
      return style.green('ALIVE');
    case 'not-alive':
      return style.red('NOT ALIVE');
    case 'rejected-by-host':
      return style.red('REJECTED BY HOST');
    case 'filtered-in-path':
      return style.red('FILTERED IN PATH');
    case 'inconclusive':
      return style.yellow('INCONCLUSIVE');
  }
}

function resultCell(p: ProbeResult, style: Style): string {
  if (p.countsAsAlive) return style.green(p.result);
  if (p.result === 'needs-privilege' || p.result === 'error') return style.yellow(p.result);
  if (p.result.startsWith('icmp-')) return style.red(p.result);
  return style.dim(p.result);
}

export function formatHost(host: HostResult, style: Style): string {
  const h = inertDeep(host);
  const name = h.target === h.address ? h.address : `${h.target} (${h.address})`;
  const lines: string[] = [];
  lines.push(`${style.bold(name)}  ${verdictText(h.verdict, style)}  ${style.dim(`profile ${h.profile}, ${h.privileged ? 'raw sockets' : 'unprivileged fallback'}, ${Math.round(h.durationMs)} ms`)}`);
  const rows: string[][] = [['PROBE', 'METHOD', 'RESULT', 'RESPONDER', 'ICMP', 'TTL', 'RTT']];
  for (const p of h.probes) {
    rows.push([
      probeLabel(p),
      p.method,
      resultCell(p, style),
      p.responder === null ? '-' : p.fromTarget ? p.responder : style.yellow(p.responder),
      p.icmpType === null ? '-' : `${p.icmpType}/${p.icmpCode ?? '?'}`,
      p.ttl === null ? '-' : String(p.ttl),
      p.rttMs === null ? '-' : `${p.rttMs.toFixed(1)} ms`,
    ]);
  }
  lines.push(table(rows.map((r, i) => (i === 0 ? r.map((c) => style.dim(c)) : r)), '  '));
  lines.push(`  ${style.bold('verdict:')} ${h.reason}`);
  if (h.aliveBy !== '') lines.push(`  ${style.dim('found by:')} ${h.aliveBy}`);
  for (const w of h.warnings) lines.push(`  ${style.yellow('note:')} ${w}`);
  return lines.join('\n');
}

export function formatHostLine(host: HostResult, style: Style): string {
  const h = inertDeep(host);
  const name = h.target === h.address ? h.address : `${h.target} (${h.address})`;
  return `${name.padEnd(18)} ${verdictText(h.verdict, style)}  ${h.reason}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

export function indentLines(text: string, indent: string): string {
  return text
    .split('\n')
    .map((l) => indent + l)
    .join('\n');
}

export function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let cur = '';
  for (const w of text.split(/\s+/)) {
    if (cur !== '' && cur.length + w.length + 1 > width) {
      lines.push(cur);
      cur = w;
    } else cur = cur === '' ? w : `${cur} ${w}`;
  }
  if (cur !== '') lines.push(cur);
  return lines.map((l) => indent + l).join('\n');
}

/** One advice item: title, why, and its actions (commands indented as pasted). */
export function formatAdvice(a: Advice, i: number, style: Style): string {
  const tag = a.severity === 'fix' ? style.red('fix') : style.dim('tip');
  const out = [`  ${i + 1}. [${tag}] ${style.bold(a.title)}  ${style.dim(a.id)}`, wrap(a.why, 96, '       ')];
  for (const act of a.actions) {
    if (act.kind === 'command') out.push(`       ${style.dim(`${act.label}:`)}\n${indentLines(act.text, '         ')}`);
    else out.push(wrap(`${act.label}: ${act.text}`, 96, '       '));
  }
  return out.join('\n');
}
