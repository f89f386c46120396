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
  // Words for people (the verdict itself is a field, shown as a label); a name that does not resolve has no verdict.
  return {
    id,
    kind: 'diagnosis',
    createdAt,
    target: result.target,
    title: (result.unresolved ? `does not resolve (DNS): ${result.unresolved.reason}` : d.reason).slice(0, 300),
    profile: d.profile,
    ...(result.unresolved ? {} : { verdict: d.verdict }),
    ...(result.auth ? { authStatus: result.auth.status } : {}),
    privileged: d.privileged,
  };
}

/** What a sweep's summary needs, gathered host by host so a sweep never holds every result. */
export class SweepTally {
  total = 0;
  alive = 0;
  privileged = true;
  first: HostResult | undefined;

  add(h: HostResult): void {
    this.total++;
    if (h.alive) this.alive++;
    if (!h.privileged) this.privileged = false;
    this.first ??= h;
  }
}

export function summarizeSweep(id: string, entries: string[], tally: SweepTally, cancelled: boolean, createdAt: string): HistorySummary {
  const single = tally.total === 1 ? tally.first : undefined;
  return {
    id,
    kind: 'discovery',
    createdAt,
    target: listTargets(entries),
    title: (single
      ? single.reason
      : `${tally.total} host${tally.total === 1 ? '' : 's'}: ${tally.alive} alive, ${tally.total - tally.alive} not alive`) + (cancelled ? ' (cancelled)' : ''),
    profile: tally.first?.profile ?? null,
    ...(single ? { verdict: single.verdict } : {}),
    hosts: { total: tally.total, alive: tally.alive },
    privileged: tally.total > 0 && tally.privileged,
  };
}

export function summarizeDiscovery(id: string, entries: string[], hosts: HostResult[], cancelled: boolean, createdAt: string): HistorySummary {
  const tally = new SweepTally();
  for (const h of hosts) tally.add(h);
  return summarizeSweep(id, entries, tally, cancelled, createdAt);
}

export function summarizeAuth(id: string, result: AuthResult, createdAt: string): HistorySummary {
  const failed = result.steps.find((s) => s.ok === false);
  return {
    id,
    kind: 'auth',
    createdAt,
    target: `${result.user}@${result.host}:${result.port}`,
    title: (failed ? failed.summary : 'every step passed').slice(0, 300),
    profile: null,
    authStatus: result.status,
    privileged: false,
  };
}
