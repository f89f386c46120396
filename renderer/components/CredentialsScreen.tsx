import { useState, type FormEvent } from 'react';
import type { ListeningPort } from '../../shared/auth.js';
import { useAuthActions, useAuthForm, useAuthHistoryId, useAuthRun } from '../stores/authStore.js';
import { ExportButton } from './ExportButton.js';
import { useProfilesActions, useProfilesStatus } from '../stores/profilesStore.js';
import { AUTH_STATUS_LABEL } from '../lib/format.js';
import { AdviceCards } from './AdviceCards.js';
import { Checklist } from './Checklist.js';
import { DelegationFields, LoginFields, SessionsField, SshPortField, useCredentialSecrets, UserField } from './CredentialFields.js';
import { ErrorBanner, isBusy, ProfileSelect, ScreenHeader } from './Common.js';
import { HostKeyPrompt } from './HostKeyPrompt.js';
import { ListeningPorts } from './ListeningPorts.js';

export function CredentialsScreen() {
  const form = useAuthForm();
  const run = useAuthRun();
  const actions = useAuthActions();
  const busy = isBusy(run.status);
  // Secrets live only in this component, only until the check starts (then they are cleared).
  const secrets = useCredentialSecrets();

  function submit(e: FormEvent): void {
    e.preventDefault();
    secrets.rememberFor(form.host, form);
    const started = actions.start(secrets.secrets(form.kind));
    // The request has been built: drop every secret from UI state right away.
    secrets.clear();
    void started;
  }

  const stoppedByKey = run.changedKey !== null;
  const fieldProps = { idPrefix: 'auth', fields: form, onChange: actions.setForm, disabled: busy };

  return (
    <>
      <ScreenHeader
        title="Will the scanner's credentials work?"
        lead="Logs in over SSH exactly as an authenticated Unix scan does, checks root delegation and everything else the scan needs, step by step."
      />
      <form className="panel stack" onSubmit={submit} aria-labelledby="cred-form-h" autoComplete="off">
        <h2 id="cred-form-h" className="sr-only">
          Credentials
        </h2>
        <div className="row">
          <div className="grow">
            <label htmlFor="auth-host">Host</label>
            <input id="auth-host" type="text" value={form.host} onChange={(e) => actions.setForm({ host: e.target.value })} disabled={busy} spellCheck={false} />
          </div>
          <SshPortField {...fieldProps} />
          <UserField {...fieldProps} />
        </div>
        <LoginFields {...fieldProps} secrets={secrets} host={form.host} />
        <DelegationFields {...fieldProps} secrets={secrets} />
        <div className="row">
          <SessionsField {...fieldProps} />
          <ProfileSelect
            id="auth-profile"
            label="Profile (for port candidates)"
            value={form.profile}
            onChange={(profile) => actions.setForm({ profile })}
            disabled={busy}
          />
        </div>
        <div className="row">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Checking…' : 'Check credentials'}
          </button>
          {busy ? (
            <button type="button" className="danger" onClick={() => void actions.cancel()} disabled={run.status === 'cancelling'}>
              {run.status === 'cancelling' ? 'Cancelling…' : 'Cancel'}
            </button>
          ) : null}
          <span role="status" aria-live="polite" className="muted" data-testid="auth-run-status">
            {run.status === 'running' || run.status === 'starting' ? <span className="spinner" aria-hidden="true" /> : null}{' '}
            {run.status === 'running'
              ? 'Checking…'
              : run.status === 'cancelling'
                ? 'Cancelling…'
                : run.status === 'cancelled'
                  ? run.cancelUnconfirmed
                    ? 'Cancel sent; the check has not confirmed that it stopped.'
                    : 'Cancelled.'
                  : ''}
          </span>
        </div>
      </form>

      <ErrorBanner message={run.error} />
      {run.prompt ? (
        <HostKeyPrompt
          host={`${run.prompt.host}:${run.prompt.port}`}
          hostKey={run.prompt.hostKey}
          onAccept={() => void actions.answerHostKey(true)}
          onReject={() => void actions.answerHostKey(false)}
        />
      ) : null}
      {stoppedByKey && run.changedKey ? <HostKeyPrompt host={run.result?.host ?? form.host} hostKey={run.changedKey} /> : null}

      {run.result ? <AuthStatusBanner /> : null}
      <AuthExport />
      {run.status !== 'idle' ? (
        <section className="panel" aria-labelledby="checklist-h">
          <h2 id="checklist-h">Checklist</h2>
          <Checklist steps={run.steps} running={run.status === 'running'} />
        </section>
      ) : null}
      {run.result ? <ListeningWithAdd ports={run.result.listening} profile={form.profile} /> : null}
      {run.result ? <AdviceCards advice={run.result.advice} /> : null}
    </>
  );
}

function AuthExport() {
  return <ExportButton id={useAuthHistoryId()} what="this credential check" />;
}

function AuthStatusBanner() {
  const { result } = useAuthRun();
  if (!result) return null;
  const tone = result.status === 'passed' ? 'ok' : result.status === 'passed-insufficient' ? 'warn' : 'error';
  const explain: Record<typeof result.status, string> = {
    passed: 'Logged in and got root (UID 0) through the delegation method: an authenticated scan can run every check.',
    'passed-insufficient':
      'Logged in, but not as root: the scan runs with insufficient privileges and many checks give false negatives.',
    failed: 'The scan could not log in (or the host key changed): no authenticated checks would run.',
    'not-attempted': 'The SSH port could not be reached, so the scanner would not even try to log in.',
  };
  return (
    <div className={`banner ${tone}`} role="status" data-testid="auth-status" data-status={result.status}>
      <strong>
        {AUTH_STATUS_LABEL[result.status]} — {result.user}@{result.host}:{result.port}
      </strong>
      {explain[result.status]}
    </div>
  );
}

function ListeningWithAdd({ ports, profile }: { ports: ListeningPort[]; profile: string }) {
  const { addPort } = useProfilesActions();
  const status = useProfilesStatus();
  const [added, setAdded] = useState<Set<string>>(new Set());
  return (
    <>
      <ListeningPorts
        ports={ports}
        added={added}
        onAdd={(p) => {
          const proto = p.protocol.startsWith('udp') ? 'udp' : 'tcp';
          void addPort(profile, proto, p.port).then((name) => {
            if (name) setAdded((s) => new Set(s).add(`${proto}:${p.port}`));
          });
        }}
      />
      {status.notice ? (
        <p role="status" className="small">
          {status.notice}
        </p>
      ) : null}
    </>
  );
}
