import { useRef, useState, type FormEvent } from 'react';
import { DELEGATION_METHODS, type DelegationMethod, type ListeningPort } from '../../shared/auth.js';
import { useAuthActions, useAuthForm, useAuthRun, type CredentialKind } from '../stores/authStore.js';
import { useProfilesActions, useProfilesStatus } from '../stores/profilesStore.js';
import { AUTH_STATUS_LABEL, DELEGATION_LABEL } from '../lib/format.js';
import { AdviceCards } from './AdviceCards.js';
import { Checklist } from './Checklist.js';
import { ErrorBanner, isBusy, ProfileSelect, ScreenHeader } from './Common.js';
import { HostKeyPrompt } from './HostKeyPrompt.js';
import { ListeningPorts } from './ListeningPorts.js';

export function CredentialsScreen() {
  const form = useAuthForm();
  const run = useAuthRun();
  const actions = useAuthActions();
  const busy = isBusy(run.status);
  // Secrets live only in this component, only until the check starts (then they are cleared).
  const [password, setPassword] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [delegationPassword, setDelegationPassword] = useState('');
  const [keyText, setKeyText] = useState<string | null>(null);
  const [keyName, setKeyName] = useState('');
  const keyInput = useRef<HTMLInputElement>(null);
  const [keyError, setKeyError] = useState<string | null>(null);

  function clearSecrets(): void {
    setPassword('');
    setPassphrase('');
    setDelegationPassword('');
    setKeyText(null);
    setKeyName('');
    if (keyInput.current) keyInput.current.value = '';
  }

  function submit(e: FormEvent): void {
    e.preventDefault();
    const secrets = {
      password: form.kind === 'password' ? password : undefined,
      privateKey: form.kind === 'key' ? (keyText ?? undefined) : undefined,
      passphrase: form.kind === 'key' ? passphrase : undefined,
      delegationPassword: delegationPassword || undefined,
    };
    const started = actions.start(secrets);
    // The request has been built: drop every secret from UI state right away.
    clearSecrets();
    void started;
  }

  async function onKeyFile(file: File | undefined): Promise<void> {
    if (!file) {
      setKeyText(null);
      setKeyName('');
      return;
    }
    if (file.size > 65_536) {
      setKeyText(null);
      setKeyName('');
      setKeyError('That file is too large to be a private key (over 64 KB).');
      return;
    }
    setKeyError(null);
    setKeyText(await file.text());
    setKeyName(file.name);
  }
  const stoppedByKey = run.changedKey !== null;

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
          <div style={{ width: 110 }}>
            <label htmlFor="auth-port">SSH port</label>
            <input
              id="auth-port"
              type="number"
              min={1}
              max={65535}
              value={form.port}
              onChange={(e) => actions.setForm({ port: Number(e.target.value) || 22 })}
              disabled={busy}
            />
          </div>
          <div className="grow">
            <label htmlFor="auth-user">User (the scan account)</label>
            <input id="auth-user" type="text" value={form.user} onChange={(e) => actions.setForm({ user: e.target.value })} disabled={busy} spellCheck={false} />
          </div>
        </div>

        <fieldset disabled={busy}>
          <legend>Log in with</legend>
          <div className="row">
            {(
              [
                ['password', 'Password'],
                ['key', 'Private key file'],
                ['agent', 'SSH agent'],
              ] as [CredentialKind, string][]
            ).map(([kind, label]) => (
              <label className="check" key={kind}>
                <input type="radio" name="auth-kind" value={kind} checked={form.kind === kind} onChange={() => actions.setForm({ kind })} />
                {label}
              </label>
            ))}
          </div>
          {form.kind === 'password' ? (
            <div style={{ marginTop: 8 }}>
              <label htmlFor="auth-password">Login password</label>
              <input id="auth-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="off" />
            </div>
          ) : null}
          {form.kind === 'key' ? (
            <div className="row" style={{ marginTop: 8 }}>
              <div className="grow">
                <label htmlFor="auth-key">
                  Private key <span className="hint">— OpenSSH, PEM or PKCS#8; read here, sent only to the check</span>
                </label>
                <input id="auth-key" ref={keyInput} type="file" onChange={(e) => void onKeyFile(e.target.files?.[0])} />
                {keyName ? <div className="small muted">Loaded: {keyName}</div> : null}
                {keyError ? <div className="field-error">{keyError}</div> : null}
              </div>
              <div className="grow">
                <label htmlFor="auth-passphrase">Passphrase (if the key has one)</label>
                <input id="auth-passphrase" type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} autoComplete="off" />
              </div>
            </div>
          ) : null}
          {form.kind === 'agent' ? <p className="small muted">Uses the keys in the running ssh-agent (SSH_AUTH_SOCK).</p> : null}
        </fieldset>

        <fieldset disabled={busy}>
          <legend>Root delegation</legend>
          <div className="row">
            <div className="grow">
              <label htmlFor="auth-delegation">Method</label>
              <select id="auth-delegation" value={form.delegation} onChange={(e) => actions.setForm({ delegation: e.target.value as DelegationMethod })}>
                {DELEGATION_METHODS.map((m) => (
                  <option key={m} value={m}>
                    {DELEGATION_LABEL[m]}
                  </option>
                ))}
              </select>
            </div>
            {form.delegation === 'custom' ? (
              <div className="grow">
                <label htmlFor="auth-delegation-cmd">
                  Command <span className="hint">— {'{cmd}'} is replaced by the command to run as root</span>
                </label>
                <input id="auth-delegation-cmd" type="text" value={form.delegationCommand} onChange={(e) => actions.setForm({ delegationCommand: e.target.value })} />
              </div>
            ) : null}
            <div className="grow">
              <label htmlFor="auth-delegation-pw">
                Delegation password <span className="hint">— empty: the login password</span>
              </label>
              <input id="auth-delegation-pw" type="password" value={delegationPassword} onChange={(e) => setDelegationPassword(e.target.value)} autoComplete="off" />
            </div>
          </div>
        </fieldset>

        <div className="row">
          <div style={{ width: 170 }}>
            <label htmlFor="auth-sessions">Parallel sessions</label>
            <input
              id="auth-sessions"
              type="number"
              min={1}
              max={100}
              value={form.sessions}
              onChange={(e) => actions.setForm({ sessions: Math.min(100, Math.max(1, Number(e.target.value) || 10)) })}
              disabled={busy}
            />
          </div>
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
          <span role="status" aria-live="polite" className="muted">
            {run.status === 'running' || run.status === 'starting' ? <span className="spinner" aria-hidden="true" /> : null}{' '}
            {run.status === 'running' ? 'Checking…' : run.status === 'cancelled' ? 'Cancelled.' : ''}
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
