/**
 * The answer of a diagnosis, laid out above the probe grid: the verdict (or, for a name that does
 * not resolve, the DNS result instead of any verdict), announced to screen readers and focused
 * when it arrives, so the operator lands on it without scrolling.
 */
import { useEffect, useRef } from 'react';
import type { DiagnosisResult, UnresolvedTarget } from '../../shared/diagnosis.js';
import type { HostResult } from '../../shared/discovery.js';
import { formatMs, formatWhen, VERDICT_LABEL } from '../lib/format.js';
import { foundByText, scannerName } from '../lib/labels.js';
import { authActions } from '../stores/authStore.js';
import { useDiagnosisAuth } from '../stores/diagnosisStore.js';
import { useProfileEntry } from '../stores/profilesStore.js';
import { uiActions } from '../stores/uiStore.js';

/** Scrolls `el` into view and focuses it once per `key` (a new verdict, a new result). */
function useLandOn(key: unknown, enabled: boolean) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (!enabled || key === null || key === undefined) return;
    const el = ref.current;
    if (!el) return;
    el.scrollIntoView?.({ block: 'start' });
    el.focus({ preventScroll: true });
  }, [key, enabled]);
  return ref;
}

/** The one "live" line: says the verdict (or the DNS failure) when it arrives. Always mounted. */
export function OutcomeAnnouncer({ host, unresolved }: { host: HostResult | null; unresolved: UnresolvedTarget | undefined }) {
  const text = unresolved
    ? `The name ${unresolved.name} does not resolve (DNS): nothing was probed.`
    : host
      ? `Verdict: ${VERDICT_LABEL[host.verdict]}. ${host.reason}`
      : '';
  return (
    <p className="sr-only" aria-live="polite" aria-atomic="true" data-testid="verdict-announce">
      {text}
    </p>
  );
}

/** A name that does not resolve: one clear result, no probe grid, no verdict badge. */
export function UnresolvedPanel({ unresolved, focus }: { unresolved: UnresolvedTarget; focus: boolean }) {
  const ref = useLandOn(unresolved, focus);
  return (
    <section className="panel outcome" aria-labelledby="dns-h" data-testid="unresolved">
      <h2 id="dns-h" ref={ref} tabIndex={-1}>
        “{unresolved.name}” does not resolve (DNS)
      </h2>
      <p style={{ margin: 0 }}>
        The name has no address, so nothing was sent: there are no probe results and no verdict. A scanner given this name cannot
        scan it either. Fix the DNS record, or diagnose the host's IP address.
      </p>
      <p className="small muted" style={{ margin: '4px 0 0' }}>
        Resolver: {unresolved.reason}
      </p>
    </section>
  );
}

/** The verdict, its reason and how it was reached; focused when a new one arrives. */
export function VerdictPanel({ host, result, focus }: { host: HostResult; result: DiagnosisResult | null; focus: boolean }) {
  // A diagnosis that already includes the credential check does not send the operator on to it.
  const { runWithAuth } = useDiagnosisAuth();
  const entry = useProfileEntry(host.profile);
  const scanner = scannerName(entry?.profile.scanner);
  const ref = useLandOn(host, focus);
  const foundBy = foundByText(host.aliveBy);
  return (
    <section className="panel outcome" aria-labelledby="verdict-h" data-testid="verdict-panel">
      <h2 id="verdict-h" ref={ref} tabIndex={-1}>
        Verdict
      </h2>
      <div className="verdict">
        <span className={`verdict-badge ${host.verdict}`} data-testid="verdict" data-verdict={host.verdict}>
          {VERDICT_LABEL[host.verdict]}
        </span>
        <div>
          <p style={{ margin: 0 }} data-testid="verdict-reason">
            {host.reason}
          </p>
          <p className="small muted" style={{ margin: '4px 0 0' }} data-testid="verdict-facts">
            {host.address && host.address !== host.target ? `${host.target} resolves to ${host.address}. ` : ''}
            {foundBy ? `${scanner === 'the scanner' ? 'The scanner' : scanner} would find it by: ${foundBy}${entry?.profile.scanner === 'qualys' ? ` (in Qualys results: “${host.aliveBy}”)` : ''}. ` : ''}
            Profile {host.profile}, {host.privileged ? 'raw sockets (as the scanner)' : 'without raw sockets'}. Started {formatWhen(host.startedAt)}; probes took {formatMs(host.durationMs)}
            {result?.durationMs !== undefined ? `, the whole diagnosis ${formatMs(result.durationMs)}` : ''}.
          </p>
        </div>
      </div>
      {host.alive && !runWithAuth ? (
        <div className="row" style={{ marginTop: 8 }}>
          <button
            type="button"
            onClick={() => {
              authActions.setForm({ host: host.address });
              uiActions.navigate('credentials');
            }}
          >
            Next: check the scanner's credentials on {host.address}
          </button>
        </div>
      ) : null}
      {host.warnings.length > 0 ? (
        <ul className="small" aria-label="Warnings about this verdict">
          {host.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

export interface FlowStep {
  id: string;
  label: string;
}

/** Where the diagnosis is: plain text (not buttons), the current step marked for screen readers. */
export function FlowSteps({ steps, position }: { steps: readonly FlowStep[]; position: number }) {
  return (
    <ol className="steps flow" aria-label="Diagnosis progress">
      {steps.map((s, i) => (
        <li key={s.id} className={i < position ? 'done' : i === position ? 'current' : ''} aria-current={i === position ? 'step' : undefined}>
          {i < position ? <span className="sr-only">done: </span> : null}
          {s.label}
        </li>
      ))}
    </ol>
  );
}

/** A diagnosis reopened from history: whose it is (target, profile, time, privilege) and a way to run it again. */
export function ReopenedBanner({ result, onRunAgain, busy }: { result: DiagnosisResult; onRunAgain: () => void; busy: boolean }) {
  const d = result.discovery;
  const when = result.startedAt ?? d.startedAt;
  return (
    <div className="banner info" role="status" data-testid="reopened">
      <strong>Reopened from history</strong>
      The stored result of a diagnosis of <span className="mono">{result.target}</span> with the profile {d.profile}, run {formatWhen(when)}
      {result.unresolved ? '' : d.privileged ? ', with raw sockets (as the scanner)' : ', without raw sockets'}. Run it again to see the host as it is now.
      <div className="row">
        <button type="button" onClick={onRunAgain} disabled={busy}>
          Run again
        </button>
      </div>
    </div>
  );
}
