/**
 * Step `uid`: the account's effective UID (`id -u`), name and groups, as the account.
 * Solaris 10's /usr/bin/id has no -u: the UID is then read from the `uid=N(name)` of plain `id`.
 */
import type { RanStep } from '../../../shared/auth.js';
import type { Markers } from '../markers.js';
import { clip } from '../text.js';
import { scriptStep, type RemoteRun } from './context.js';

export interface ParsedId {
  uid: number | null;
  name: string | null;
  /** The whole `id` line. */
  id: string;
}

export function uidScript(m: Markers): string {
  return [m.line('uid', '$(id -u 2>/dev/null)'), m.line('name', '$(id -un 2>/dev/null)'), m.line('id', '$(id 2>&1)')].join('; ');
}

const UID = /^\d{1,10}$/;
const ID_LINE = /(?:^|\s)uid=(\d{1,10})(?:\(([^)\s]{1,64})\))?/;

export function parseId(text: string, m: Markers): ParsedId {
  const lines = m.parse(text);
  const idLine = clip((lines.get('id') ?? '').trim(), 500);
  const fromId = ID_LINE.exec(idLine);
  const rawUid = (lines.get('uid') ?? '').trim();
  const uidText = UID.test(rawUid) ? rawUid : (fromId?.[1] ?? null);
  const uid = uidText !== null && Number(uidText) <= 0xffffffff ? Number(uidText) : null;
  const rawName = (lines.get('name') ?? '').trim();
  const name = /^[^\s:]{1,64}$/.test(rawName) ? rawName : (fromId?.[2] ?? null);
  return { uid, name, id: idLine };
}

export function uidResult(p: ParsedId, r: RemoteRun, timeoutMs: number): RanStep<'uid'> {
  if (p.uid === null) {
    return {
      id: 'uid',
      ok: false,
      ms: r.ms,
      reason: r.timedOut ? 'timeout' : 'exec-failed',
      summary: r.timedOut ? `id -u did not answer within ${timeoutMs} ms` : 'could not run id -u: the account may not run commands (restricted shell, ForceCommand?)',
      data: { uid: null, output: clip(r.text, 500) },
    };
  }
  return { id: 'uid', ok: true, ms: r.ms, summary: `effective UID ${p.uid} (${p.name ?? '?'})`, data: { uid: p.uid, name: p.name, id: p.id } };
}

export const uidStep = scriptStep<ParsedId>({
  id: 'uid',
  marker: 'uid',
  as: 'account',
  script: (m) => uidScript(m),
  parse: parseId,
  result: (p, r, ctx) => {
    ctx.state.loginUid = p.uid;
    return uidResult(p, r, ctx.req.timeoutMs);
  },
});
