/**
 * Step `commands`: which of the commands a scan account may run exist on the host (evidence for
 * restricted sudo rules), plus `uname -a` and /etc/os-release (Solaris/AIX: `uname` only).
 */
import type { RanStep } from '../../../shared/auth.js';
import type { Markers } from '../markers.js';
import { shQuote } from '../quote.js';
import { SCAN_COMMANDS } from '../scanCommands.js';
import { clip } from '../text.js';
import { scriptStep, type RemoteRun } from './context.js';

export interface ParsedCommands {
  present: { name: string; path: string }[];
  uname: string;
  os: Record<string, string>;
}

export function commandsScript(m: Markers): string {
  const list = SCAN_COMMANDS.map(shQuote).join(' ');
  return (
    `for c in ${list}; do p=$(command -v "$c" 2>/dev/null) && ${m.line('cmd', '$c:$p')}; done; ` +
    `${m.line('uname', '$(uname -a 2>/dev/null)')}; ` +
    `if [ -r /etc/os-release ]; then ${m.tagLines('os')} /etc/os-release; fi`
  );
}

const KNOWN = new Set(SCAN_COMMANDS);
const MAX_OS_FIELDS = 64;

export function parseCommands(text: string, m: Markers): ParsedCommands {
  const lines = m.parse(text);
  const present: { name: string; path: string }[] = [];
  const seen = new Set<string>();
  for (const v of lines.all('cmd')) {
    const c = /^([A-Za-z0-9_.+-]{1,40}):(.{1,300})$/.exec(v);
    if (!c?.[1] || !c[2] || !KNOWN.has(c[1]) || seen.has(c[1])) continue;
    seen.add(c[1]);
    present.push({ name: c[1], path: c[2] });
  }
  const uname = clip((lines.get('uname') ?? '').trim(), 300);
  const os: Record<string, string> = {};
  let fields = 0;
  for (const v of lines.all('os')) {
    const o = /^([A-Z][A-Z0-9_]{0,39})=(.{0,200})$/.exec(v);
    if (!o?.[1] || o[2] === undefined || fields >= MAX_OS_FIELDS) continue;
    if (!Object.hasOwn(os, o[1])) fields++;
    os[o[1]] = o[2].replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
  }
  return { present, uname, os };
}

export function commandsResult(p: ParsedCommands, r: RemoteRun, user: string): RanStep<'commands'> {
  const names = new Set(p.present.map((x) => x.name));
  const missing = SCAN_COMMANDS.filter((c) => !names.has(c));
  const osName = p.os.PRETTY_NAME ?? p.os.NAME ?? (p.uname.split(' ')[0] || 'unknown OS');
  return {
    id: 'commands',
    ok: p.uname !== '',
    ms: r.ms,
    ...(p.uname === '' ? { reason: r.timedOut ? 'timeout' : 'exec-failed' } : {}),
    summary: `${p.present.length} of ${SCAN_COMMANDS.length} scan commands present ${r.root ? 'for root' : `for ${user}`}; ${osName}`,
    data: { present: p.present, missing, uname: p.uname, os: p.os, ranAs: r.root ? 'root' : user },
  };
}

export const commandsStep = scriptStep<ParsedCommands>({
  id: 'commands',
  marker: 'cmd',
  as: 'root',
  script: (m) => commandsScript(m),
  parse: parseCommands,
  result: (p, r, ctx) => commandsResult(p, r, ctx.req.user),
});
