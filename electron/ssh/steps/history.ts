/**
 * Step `history` (informational): does root keep a shell history the scanner's commands could
 * fill? Reads root's home and shell from the passwd database (getent, else /etc/passwd: AIX and
 * macOS have no getent), the history files there and their sizes, and the HIST* settings.
 */
import type { RanStep } from '../../../shared/auth.js';
import type { Markers } from '../markers.js';
import { clip } from '../text.js';
import { scriptStep, type RemoteRun } from './context.js';

export interface ParsedHistory {
  rootShell: string | null;
  home: string | null;
  files: { file: string; lines: number }[];
  settings: string[];
}

export const HISTORY_FILES = ['.bash_history', '.sh_history', '.zsh_history', '.history'] as const;

export function historyScript(m: Markers): string {
  return (
    'p=$(getent passwd root 2>/dev/null || grep "^root:" /etc/passwd 2>/dev/null | head -n 1); ' +
    'h=$(printf "%s" "$p" | cut -d: -f6); s=$(printf "%s" "$p" | cut -d: -f7); ' +
    `${m.line('shell', '$s')}; ${m.line('home', '$h')}; ` +
    `for f in ${HISTORY_FILES.join(' ')}; do if [ -f "$h/$f" ]; then ${m.line('file', '$f:$(wc -l < "$h/$f" 2>/dev/null)')}; fi; done; ` +
    `grep -hsE "^[^#]*(HISTFILE|HISTSIZE|HISTFILESIZE|HISTCONTROL)" /etc/profile /etc/bash.bashrc "$h/.bashrc" "$h/.profile" "$h/.bash_profile" 2>/dev/null | head -n 20 | ${m.tagLines('set')}`
  );
}

const KNOWN_FILES = new Set<string>(HISTORY_FILES);

export function parseHistory(text: string, m: Markers): ParsedHistory {
  const lines = m.parse(text);
  const files: { file: string; lines: number }[] = [];
  for (const v of lines.all('file')) {
    // `wc -l` pads the count on BSD, AIX and Solaris: ".sh_history:      42".
    const f = /^([^:]{1,40}):\s*(\d{1,12})\s*$/.exec(v);
    if (!f?.[1] || !f[2] || !KNOWN_FILES.has(f[1]) || files.some((x) => x.file === f[1])) continue;
    files.push({ file: f[1], lines: Number(f[2]) });
  }
  const settings = lines
    .all('set')
    .slice(0, 20)
    .map((s) => clip(s.trim(), 200))
    .filter((s) => s !== '');
  const shell = lines.get('shell')?.trim();
  const home = lines.get('home')?.trim();
  return { rootShell: shell !== undefined ? clip(shell, 200) : null, home: home ? clip(home, 200) : null, files, settings };
}

export function historyResult(p: ParsedHistory, r: RemoteRun): RanStep<'history'> {
  return {
    id: 'history',
    ok: null,
    ms: r.ms,
    summary: p.files.length
      ? `root's shell history is written (${p.files.map((f) => `~root/${f.file}: ${f.lines} lines`).join(', ')}); an interactive "sudo su -" can add scanner commands to it`
      : r.root
        ? 'root has no shell history file'
        : "root's history could not be inspected without root",
    explanation:
      'Informational. A shell history file is a convenience for people, not an audit log: it is easily edited or removed and is bounded by HISTSIZE. Non-interactive commands (how the scanner runs) are normally not written to it. To audit what the scan account does, use auditd.',
    data: { rootShell: p.rootShell, files: p.files, settings: p.settings, inspectedAsRoot: r.root },
  };
}

export const historyStep = scriptStep<ParsedHistory>({
  id: 'history',
  marker: 'hist',
  as: 'root',
  script: (m) => historyScript(m),
  parse: parseHistory,
  result: (p, r) => historyResult(p, r),
});
