import { useMemo, useState, type FormEvent } from 'react';
import type { OpenPort } from '../../shared/diagnosis.js';
import type { HostResult } from '../../shared/discovery.js';
import type { DiagnosisStage } from '../../shared/diagnosis.js';
import {
  useDiagnosisActions,
  useDiagnosisAuth,
  useDiagnosisForm,
  useDiagnosisHost,
  useDiagnosisOpenPorts,
  useDiagnosisPath,
  useDiagnosisProbes,
  useDiagnosisResult,
  useDiagnosisRun,
  useDiagnosisTargetError,
  useSelectedProbe,
} from '../stores/diagnosisStore.js';
import { useProfileEntry, useProfilesStatus } from '../stores/profilesStore.js';
import { usePrivilege } from '../stores/settingsStore.js';
import { AUTH_STATUS_LABEL, profileSummary } from '../lib/format.js';
import { AdviceCards } from './AdviceCards.js';
import { Checklist } from './Checklist.js';
import { FlowSteps, OutcomeAnnouncer, ReopenedBanner, UnresolvedPanel, VerdictPanel } from './DiagnosisOutcome.js';
import { DelegationFields, LoginFields, SessionsField, SshPortField, useCredentialSecrets, UserField } from './CredentialFields.js';
import { HostKeyPrompt } from './HostKeyPrompt.js';
import { ListeningPorts } from './ListeningPorts.js';
import { ErrorBanner, isBusy, ProfileSelect, ScreenHeader } from './Common.js';
import { PathView } from './PathView.js';
import { ExportButton } from './ExportButton.js';
import { addPortsToProfile, rerunWithPorts } from '../lib/rerun.js';
import { buildCells, ProbeDetail, ProbeMatrix } from './ProbeMatrix.js';

const FLOW: { id: string; label: string }[] = [
  { id: 'target', label: 'Target' },
  { id: 'profile', label: 'Profile' },
  { id: 'probes', label: 'Probes' },
  { id: 'path', label: 'Path' },
  { id: 'verdict', label: 'Verdict' },
  { id: 'advice', label: 'Advice' },
];

function flowPosition(status: string, stages: Partial<Record<DiagnosisStage, string>>, hasResult: boolean, hasHost: boolean): number {
  if (hasResult) return 6;
  if (status === 'idle' || status === 'error') return 0;
  if (stages.advice === 'running') return 5;
  if (stages.path === 'running' || stages['port-finder'] === 'running' || stages.auth === 'running') return 3;
  if (hasHost) return 4;
  return 2;
}

export function DiagnoseScreen() {
  const form = useDiagnosisForm();
  const targetError = useDiagnosisTargetError();
  const run = useDiagnosisRun();
  const actions = useDiagnosisActions();
  const host = useDiagnosisHost();
  const result = useDiagnosisResult();
  const privilege = usePrivilege();
  const path = useDiagnosisPath();
  const profileEntry = useProfileEntry(form.profile);
  const busy = isBusy(run.status);
  const authFieldProps = { idPrefix: 'diag-auth', fields: form.auth, onChange: actions.setAuthForm, disabled: busy };
  const position = flowPosition(run.status, run.stages, result !== null, host !== null);
  const unresolved = result?.unresolved;
  // Secrets of the optional credential check live only here, only until the run starts.
  const secrets = useCredentialSecrets();
  const [credentialsOpen, setCredentialsOpen] = useState(form.withAuth);

  function submit(e: FormEvent): void {
    e.preventDefault();
    if (form.withAuth) secrets.rememberFor(form.target, form.auth);
    const started = actions.start(form.withAuth ? { secrets: secrets.secrets(form.auth.kind) } : undefined);
    // The request has been built: drop every secret from UI state right away.
    secrets.clear();
    void started;
  }

  return (
    <>
      <ScreenHeader
        title="Why is this host “not alive”?"
        lead="Sends the scanner's own discovery probes to the host, shows what came back, traces the path and says what to change."
      />
      <FlowSteps steps={FLOW} position={position} />

      <form className="panel" onSubmit={submit} aria-labelledby="diag-form-h">
        <h2 id="diag-form-h" className="sr-only">
          New diagnosis
        </h2>
        <div className="row">
          <div className="grow">
            <label htmlFor="diag-target">
              Target <span className="hint">— address or host name the scanner reports as not alive</span>
            </label>
            <input
              id="diag-target"
              type="text"
              value={form.target}
              placeholder="e.g. 10.0.4.17 or db01.example.com"
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => actions.setForm({ target: e.target.value })}
              disabled={busy}
              aria-invalid={targetError ? true : undefined}
              aria-describedby={targetError ? 'diag-target-error' : undefined}
            />
            {targetError ? (
              <p id="diag-target-error" className="field-error" role="alert">
                {targetError}
              </p>
            ) : null}
          </div>
          <div>
            <ProfileSelect id="diag-profile" value={form.profile} onChange={(profile) => actions.setForm({ profile })} disabled={busy} />
          </div>
        </div>
        {profileEntry ? (
          <p className="small muted" style={{ margin: '6px 0 0' }} data-testid="profile-summary">
            {form.profile} sends {profileSummary(profileEntry.profile)}.
            {profileEntry.warnings.length > 0 ? ` ⚠ ${profileEntry.warnings.join(' ')}` : ''}
          </p>
        ) : null}
        <details style={{ marginTop: 10 }}>
          <summary>More options</summary>
          <div className="row" style={{ marginTop: 8 }}>
            <div className="grow">
              <label htmlFor="diag-scanner-ips">
                Scanner addresses <span className="hint">— used in the firewall rules; empty: this machine's address</span>
              </label>
              <input
                id="diag-scanner-ips"
                type="text"
                value={form.scannerIps}
                placeholder="e.g. 64.39.96.0 64.39.96.1"
                onChange={(e) => actions.setForm({ scannerIps: e.target.value })}
                disabled={busy}
              />
            </div>
            <label className="check">
              <input type="checkbox" checked={form.trace} onChange={(e) => actions.setForm({ trace: e.target.checked })} disabled={busy} />
              Trace the path when not alive
            </label>
            <label className="check">
              <input
                type="checkbox"
                checked={form.portFinder}
                onChange={(e) => actions.setForm({ portFinder: e.target.checked })}
                disabled={busy}
              />
              Look for any answering port
            </label>
            <div>
              <label htmlFor="diag-mode">Probes</label>
              <select id="diag-mode" value={form.mode} onChange={(e) => actions.setForm({ mode: e.target.value as typeof form.mode })} disabled={busy}>
                <option value="auto">Raw sockets when allowed (as the scanner)</option>
                <option value="unprivileged">Unprivileged only (as a normal user)</option>
                <option value="raw">Raw sockets or fail</option>
              </select>
            </div>
          </div>
        </details>
        <details
          style={{ marginTop: 10 }}
          open={credentialsOpen}
          onToggle={(e) => setCredentialsOpen(e.currentTarget.open)}
          data-testid="diag-credentials"
        >
          <summary>
            Also check credentials{form.withAuth ? <span className="muted"> — included: {form.auth.user.trim() || 'no user yet'}</span> : null}
          </summary>
          <div className="stack" style={{ marginTop: 8 }}>
            <label className="check">
              <input type="checkbox" checked={form.withAuth} onChange={(e) => actions.setForm({ withAuth: e.target.checked })} disabled={busy} />
              Log in to the target over SSH as the scanner would, after the probes (like <code>diagnose --user</code>)
            </label>
            {form.withAuth ? (
              <>
                <div className="row">
                  <UserField {...authFieldProps} />
                  <SshPortField {...authFieldProps} />
                  <SessionsField {...authFieldProps} />
                </div>
                <LoginFields {...authFieldProps} secrets={secrets} host={form.target} />
                <DelegationFields {...authFieldProps} secrets={secrets} />
              </>
            ) : null}
          </div>
        </details>
        <div className="row" style={{ marginTop: 12 }}>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Diagnosing…' : 'Diagnose'}
          </button>
          {busy ? (
            <button type="button" className="danger" onClick={() => void actions.cancel()} disabled={run.status === 'cancelling'}>
              {run.status === 'cancelling' ? 'Cancelling…' : 'Cancel'}
            </button>
          ) : null}
          <StatusLine />
        </div>
      </form>

      <ErrorBanner message={run.error} />
      <ExportButton id={run.historyId} what="this diagnosis" />
      {run.reopened && result ? <ReopenedBanner result={result} busy={busy} onRunAgain={() => void actions.start()} /> : null}

      {run.status === 'cancelled' ? (
        <div className="banner info" role="status" data-testid="diag-cancelled">
          <strong>Diagnosis cancelled</strong>
          {host
            ? 'Stopped after the probes: the verdict below stands, but the path, the port finder, the credential check or the advice may be missing.'
            : 'Stopped before the probes finished: there is no verdict. Run it again to get one.'}
        </div>
      ) : null}

      <OutcomeAnnouncer host={host} unresolved={unresolved} />
      {unresolved ? <UnresolvedPanel unresolved={unresolved} focus={!run.reopened} /> : null}
      {host ? <VerdictPanel host={host} result={result} focus={!run.reopened} /> : null}

      {unresolved ? null : (
      <PrivilegeNotice
        host={host}
        privilegeKnown={privilege}
        elevated={run.elevated}
        busy={busy}
        onElevate={() => void actions.start(privilege?.rawSockets ? { raw: true } : { elevate: true })}
      />
      )}

      {!unresolved && ((run.status !== 'idle' && run.status !== 'error') || host) ? <MatrixPanel /> : null}
      <PathView path={path} />
      <OpenPortsPanel profile={run.runProfile} />
      <AuthPanel />
      {result?.auth ? <ListeningPorts ports={result.auth.listening} /> : null}
      {result ? (
        <AdviceCards
          advice={result.advice}
          busy={busy}
          onRerun={run.runProfile ? (a) => void rerunWithPorts(run.runProfile ?? form.profile, a.rerun ?? {}) : undefined}
        />
      ) : null}
    </>
  );
}

/** The diagnosis' credential check: host-key question, live checklist, then its status. */
function AuthPanel() {
  const run = useDiagnosisRun();
  const auth = useDiagnosisAuth();
  const { answerHostKey } = useDiagnosisActions();
  const result = auth.result;
  const running = run.status === 'running' && run.stages.auth === 'running';
  if (!auth.runWithAuth || (!running && auth.steps.length === 0 && !result && !auth.prompt)) return null;
  return (
    <>
      {auth.prompt ? (
        <HostKeyPrompt
          host={`${auth.prompt.host}:${auth.prompt.port}`}
          hostKey={auth.prompt.hostKey}
          onAccept={() => void answerHostKey(true)}
          onReject={() => void answerHostKey(false)}
        />
      ) : null}
      {auth.changedKey ? <HostKeyPrompt host={result ? `${result.host}:${result.port}` : (run.address ?? run.runTarget ?? '')} hostKey={auth.changedKey} /> : null}
      <section className="panel" aria-labelledby="diag-auth-h" data-testid="diag-auth">
        <h2 id="diag-auth-h">
          Credential check
          {result ? (
            <>
              : <span className={`pill ${result.status}`} data-testid="diag-auth-status" data-status={result.status}>
                {AUTH_STATUS_LABEL[result.status]}
              </span>
            </>
          ) : null}
        </h2>
        {result ? (
          <p className="small muted">
            {result.user}@{result.host}:{result.port}, delegation {result.delegation}
          </p>
        ) : null}
        <Checklist steps={auth.steps} running={running} />
      </section>
    </>
  );
}

function StatusLine() {
  const run = useDiagnosisRun();
  const { planned, probes } = useDiagnosisProbes();
  const got = Object.keys(probes).length;
  const total = Math.max(planned.length, got);
  let text: string;
  switch (run.status) {
    case 'starting':
      text = `Starting the diagnosis of ${run.runTarget ?? ''}…`;
      break;
    case 'running': {
      const stage =
        run.stages.advice === 'running'
          ? 'working out advice'
          : run.stages.auth === 'running'
            ? 'checking the credentials'
            : run.stages.path === 'running'
              ? 'tracing the path'
              : run.stages['port-finder'] === 'running'
                ? 'looking for an answering port'
                : `probing: ${got} of ${total} probes done`;
      text = `${run.address ?? run.runTarget ?? ''} — ${stage}`;
      break;
    }
    case 'cancelling':
      text = 'Cancelling…';
      break;
    case 'cancelled':
      text = run.cancelUnconfirmed ? 'Cancel sent; the run has not confirmed that it stopped.' : 'Cancelled.';
      break;
    case 'done':
      text = run.reopened ? '' : 'Done.';
      break;
    default:
      text = '';
  }
  return (
    <span role="status" aria-live="polite" className="muted" data-testid="diag-status">
      {run.status === 'running' || run.status === 'starting' ? <span className="spinner" aria-hidden="true" /> : null} {text}
    </span>
  );
}

function PrivilegeNotice({
  host,
  privilegeKnown,
  elevated,
  busy,
  onElevate,
}: {
  host: HostResult | null;
  privilegeKnown: ReturnType<typeof usePrivilege>;
  elevated: boolean;
  busy: boolean;
  onElevate: () => void;
}) {
  const { probes } = useDiagnosisProbes();
  const list = Object.values(probes);
  const needPriv = list.filter((p) => p.result === 'needs-privilege').length;
  const fallback = list.filter((p) => p.method === 'connect' || p.method === 'ping-socket' || p.method === 'system-ping').length;
  const unprivileged = host ? !host.privileged : privilegeKnown ? !privilegeKnown.rawSockets : false;
  if (!unprivileged && needPriv === 0) return null;
  const elevation = privilegeKnown?.elevation;
  return (
    <div className="banner warn" role="note" data-testid="privilege-notice">
      <strong>Probes sent without raw sockets{elevated ? ' (the privileged run did not get them)' : ''}</strong>
      {needPriv > 0
        ? `${needPriv} probe${needPriv === 1 ? '' : 's'} (TCP ACK / SYN-ACK) could not be sent and are marked “needs privilege” — they are not “no response”. `
        : 'ACK and SYN-ACK probes need root / Administrator. '}
      {fallback > 0 ? `${fallback} probe${fallback === 1 ? '' : 's'} used an unprivileged stand-in (marked “fallback”). ` : ''}
      A verdict built without them may differ from the scanner's.
      <div className="row">
        {privilegeKnown?.rawSockets || elevation?.available ? (
          <button type="button" onClick={onElevate} disabled={busy}>
            Run privileged probes
          </button>
        ) : (
          <span className="small">
            Run privileged probes: not available here{elevation?.reason ? ` — ${elevation.reason}` : ''}. Run ScanReady as root (or with CAP_NET_RAW) instead.
          </span>
        )}
      </div>
    </div>
  );
}

function MatrixPanel() {
  const { planned, probes } = useDiagnosisProbes();
  const selected = useSelectedProbe();
  const { selectProbe } = useDiagnosisActions();
  const cells = useMemo(() => buildCells(planned, Object.values(probes)), [planned, probes]);
  const selectedCell = cells.find((c) => c.key === selected) ?? null;
  return (
    <section className="panel" aria-labelledby="matrix-h">
      <h2 id="matrix-h">Probes</h2>
      {cells.length === 0 ? (
        <p className="muted">Waiting for the first probe…</p>
      ) : (
        <div className="row" style={{ alignItems: 'flex-start' }}>
          <div className="grow" style={{ flexBasis: 520 }}>
            <ProbeMatrix cells={cells} selectedKey={selected} onSelect={(k) => selectProbe(k === selected ? null : k)} />
          </div>
          <aside className="panel" style={{ flex: '0 1 330px', marginBottom: 0 }} aria-label="Selected probe">
            <ProbeDetail cell={selectedCell} />
          </aside>
        </div>
      )}
    </section>
  );
}

function OpenPortsPanel({ profile }: { profile: string | null }) {
  const ports = useDiagnosisOpenPorts();
  const status = useProfilesStatus();
  const form = useDiagnosisForm();
  const run = useDiagnosisRun();
  const { start } = useDiagnosisActions();
  // The profile the last "Add to profile" saved into (the form now uses it).
  const [addedTo, setAddedTo] = useState<string | null>(null);
  if (!ports) return null;
  return (
    <section className="panel" aria-labelledby="open-h">
      <h2 id="open-h">Ports that answered outside the profile</h2>
      {ports.length === 0 ? (
        <p className="muted">The port finder found no port that answers.</p>
      ) : (
        <>
          <ul className="plain">
            {ports.map((p: OpenPort) => (
              <li key={`${p.protocol}-${p.port}`} className="row" style={{ alignItems: 'center' }}>
                <span className="mono">
                  {p.protocol.toUpperCase()} {p.port}
                </span>
                <span>{p.service ?? ''}</span>
                <span className="muted small">{OPEN_RESULT[p.result]}</span>
                {profile ? (
                  <button
                    type="button"
                    className="small"
                    onClick={() => void addPortsToProfile(addedTo ?? profile, p.protocol === 'tcp' ? { tcp: [p.port] } : { udp: [p.port] }).then(setAddedTo)}
                    aria-label={`Add ${p.protocol.toUpperCase()} port ${p.port} to profile ${addedTo ?? profile}`}
                  >
                    Add to profile
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
          {status.notice ? (
            <p role="status" className="small">
              {status.notice}
            </p>
          ) : null}
          {addedTo && form.profile === addedTo ? (
            <div className="row" style={{ alignItems: 'center' }}>
              <span className="small">The diagnosis now uses the profile “{addedTo}”.</span>
              <button type="button" className="primary" onClick={() => void start()} disabled={isBusy(run.status)}>
                Re-run with {addedTo}
              </button>
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}

const OPEN_RESULT: Record<OpenPort['result'], string> = {
  'syn-ack': 'open (SYN-ACK)',
  rst: 'closed, but the host answered (RST)',
  'udp-reply': 'open (UDP reply)',
  'icmp-port-unreachable': 'closed, but the host answered (port unreachable)',
};
