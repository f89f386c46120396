/** One line per run for the history list, built from the finished result. */
import type { AuthResult } from '../../shared/auth.js';
import type { DiagnosisResult } from '../../shared/diagnosis.js';
import type { HostResult } from '../../shared/discovery.js';
import type { HistorySummary } from '../../shared/ipc.js';

function listTargets(targets: string[]): string {
  const uniq = [...new Set(targets)];
  return uniq.length <= 3 ? uniq.join(', ') : `${uniq.slice(0, 3).join(', ')} and ${uniq.length - 3} more`;
}

export function summarizeDiagnosis(id: string, result: DiagnosisResult, createdAt: string): HistorySummary {
  const d = result.discovery;
  return {
    id,
    kind: 'diagnosis',
    createdAt,
    target: result.target,
    title: `${d.verdict} — ${d.reason}`.slice(0, 300),
    profile: d.profile,
    verdict: d.verdict,
    ...(result.auth ? { authStatus: result.auth.status } : {}),
    privileged: d.privileged,
  };
}

export function summarizeDiscovery(id: string, entries: string[], hosts: HostResult[], cancelled: boolean, createdAt: string): HistorySummary {
  const alive = hosts.filter((h) => h.alive).length;
  const single = hosts.length === 1 ? hosts[0] : undefined;
  return {
    id,
    kind: 'discovery',
    createdAt,
    target: listTargets(entries),
    title: (single
      ? `${single.verdict} — ${single.reason}`
      : `${hosts.length} host${hosts.length === 1 ? '' : 's'}: ${alive} alive, ${hosts.length - alive} not alive`) + (cancelled ? ' (cancelled)' : ''),
    profile: hosts[0]?.profile ?? null,
    ...(single ? { verdict: single.verdict } : {}),
    hosts: { total: hosts.length, alive },
    privileged: hosts.length > 0 && hosts.every((h) => h.privileged),
  };
}

export function summarizeAuth(id: string, result: AuthResult, createdAt: string): HistorySummary {
  const failed = result.steps.find((s) => s.ok === false);
  return {
    id,
    kind: 'auth',
    createdAt,
    target: `${result.user}@${result.host}:${result.port}`,
    title: `${result.status}${failed ? ` — ${failed.summary}` : ''}`.slice(0, 300),
    profile: null,
    authStatus: result.status,
    privileged: false,
  };
}
