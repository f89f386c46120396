import { useEffect, useState } from 'react';
import { DELEGATION_METHODS, type DelegationMethod } from '../../shared/auth.js';
import type { SecretStorageStatus } from '../../shared/ipc.js';
import { credentialsVault } from '../stores/credentialsVault.js';
import type { AuthSecrets, CredentialFields, CredentialKind } from '../lib/credentials.js';
import { DELEGATION_LABEL } from '../lib/format.js';

/**
 * The secrets of one credential form. They live only in the component that owns the form,
 * only until the check starts: call `clear()` right after handing `secrets()` to the store.
 */
export function useCredentialSecrets() {
  // "Keep for this session": the last secrets stay in this page's memory (never on disk, gone when the app closes).
  const kept = sessionSecrets.keep ? sessionSecrets.last : null;
  const [password, setPassword] = useState(kept?.password ?? '');
  const [passphrase, setPassphrase] = useState(kept?.passphrase ?? '');
  const [delegationPassword, setDelegationPassword] = useState(kept?.delegationPassword ?? '');
  const [keyText, setKeyText] = useState<string | null>(kept?.keyText ?? null);
  const [keyName, setKeyName] = useState(kept?.keyName ?? '');
  const [keepForSession, setKeepState] = useState(sessionSecrets.keep);
  const [keyError, setKeyError] = useState<string | null>(null);
  // Bumped to remount (and so empty) the file input when the secrets are cleared.
  const [keyInputGeneration, setKeyInputGeneration] = useState(0);
  // "Remember": kept only by the OS vault (Electron safeStorage); the service refuses otherwise.
  const [remember, setRemember] = useState(false);
  const [rememberNote, setRememberNote] = useState<string | null>(null);

  function setKeepForSession(keep: boolean): void {
    sessionSecrets.keep = keep;
    if (!keep) sessionSecrets.last = null;
    setKeepState(keep);
  }

  /** After a start: keeps the secrets in memory when "keep for this session" is on, else empties the fields. */
  function clear(): void {
    if (sessionSecrets.keep) {
      sessionSecrets.last = { password, passphrase, delegationPassword, keyText, keyName };
      return;
    }
    setPassword('');
    setPassphrase('');
    setDelegationPassword('');
    setKeyText(null);
    setKeyName('');
    setKeyInputGeneration((n) => n + 1);
  }

  function secrets(kind: CredentialKind): AuthSecrets {
    return {
      password: kind === 'password' ? password : undefined,
      privateKey: kind === 'key' ? (keyText ?? undefined) : undefined,
      passphrase: kind === 'key' ? passphrase : undefined,
      delegationPassword: delegationPassword || undefined,
    };
  }

  /** With "Remember" on, hands the current secrets to the OS vault for user@host:port. Call before clear(). */
  function rememberFor(host: string, fields: CredentialFields): void {
    if (!remember || fields.kind === 'agent') return;
    const s = secrets(fields.kind);
    const given = Object.fromEntries(Object.entries(s).filter(([, v]) => typeof v === 'string' && v !== '')) as AuthSecrets;
    void credentialsVault
      .save({ host: host.trim(), port: fields.port, user: fields.user.trim(), ...given })
      .then((r) => setRememberNote(r.ok ? 'Remembered on this computer, encrypted by the operating system.' : r.error.message));
  }

  /** Fills the secret fields from the OS vault, if this user@host:port was remembered. */
  async function recall(host: string, fields: CredentialFields): Promise<void> {
    const r = await credentialsVault.load({ host: host.trim(), port: fields.port, user: fields.user.trim() });
    if (!r.ok) return setRememberNote(r.error.message);
    if (!r.value) return setRememberNote(`Nothing remembered for ${fields.user.trim()}@${host.trim()}.`);
    setPassword(r.value.password ?? '');
    setPassphrase(r.value.passphrase ?? '');
    setDelegationPassword(r.value.delegationPassword ?? '');
    if (r.value.privateKey !== undefined) {
      setKeyText(r.value.privateKey);
      setKeyName('(remembered key)');
    }
    setRememberNote('Filled in from the remembered secrets.');
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

  return {
    password,
    setPassword,
    passphrase,
    setPassphrase,
    delegationPassword,
    setDelegationPassword,
    keyName,
    keyError,
    keyInputGeneration,
    onKeyFile,
    clear,
    secrets,
    remember,
    setRemember,
    rememberNote,
    rememberFor,
    recall,
    keepForSession,
    setKeepForSession,
  };
}

/**
 * Secrets kept for the session when the operator asks: module memory of this page only (never
 * localStorage, never a file, never the service), dropped when the box is unticked or the app closes.
 */
const sessionSecrets: {
  keep: boolean;
  last: { password: string; passphrase: string; delegationPassword: string; keyText: string | null; keyName: string } | null;
} = { keep: false, last: null };

/** "Keep in memory for this session": re-running does not mean retyping; nothing is written anywhere. */
export function KeepForSessionField({ idPrefix, secrets, disabled }: { idPrefix: string; secrets: CredentialSecrets; disabled: boolean }) {
  return (
    <div style={{ marginTop: 8 }}>
      <label className="check">
        <input
          id={`${idPrefix}-keep`}
          type="checkbox"
          checked={secrets.keepForSession}
          onChange={(e) => secrets.setKeepForSession(e.target.checked)}
          disabled={disabled}
          aria-describedby={`${idPrefix}-keep-hint`}
        />
        Keep the secrets in memory until ScanReady closes
      </label>
      <span id={`${idPrefix}-keep-hint`} className="small muted">
        Only in this window's memory, never on disk: re-running does not mean retyping. Untick to forget them now.
      </span>
    </div>
  );
}

export type CredentialSecrets = ReturnType<typeof useCredentialSecrets>;

interface FieldProps {
  /** Prefix of the element ids (two forms never share ids). */
  idPrefix: string;
  fields: CredentialFields;
  onChange: (patch: Partial<CredentialFields>) => void;
  secrets: CredentialSecrets;
  disabled: boolean;
}

/** The SSH port input. */
export function SshPortField({ idPrefix, fields, onChange, disabled }: Omit<FieldProps, 'secrets'>) {
  return (
    <div style={{ width: 110 }}>
      <label htmlFor={`${idPrefix}-port`}>SSH port</label>
      <input
        id={`${idPrefix}-port`}
        type="number"
        min={1}
        max={65535}
        value={fields.port}
        onChange={(e) => onChange({ port: Number(e.target.value) || 22 })}
        disabled={disabled}
      />
    </div>
  );
}

/** The scan account's user name. */
export function UserField({ idPrefix, fields, onChange, disabled }: Omit<FieldProps, 'secrets'>) {
  return (
    <div className="grow">
      <label htmlFor={`${idPrefix}-user`}>User (the scan account)</label>
      <input
        id={`${idPrefix}-user`}
        type="text"
        value={fields.user}
        onChange={(e) => onChange({ user: e.target.value })}
        disabled={disabled}
        spellCheck={false}
        autoComplete="off"
      />
    </div>
  );
}

/**
 * "Remember": optional, per credential set. Shows why it is off where the secrets could not be
 * protected (web mode, no keyring); the service refuses to save there in any case.
 */
export function RememberField({ idPrefix, host, fields, secrets, disabled }: Omit<FieldProps, 'onChange'> & { host: string }) {
  const [status, setStatus] = useState<SecretStorageStatus | null>(null);
  useEffect(() => {
    let live = true;
    void credentialsVault.status().then((r) => {
      if (live) setStatus(r.ok ? r.value : { available: false, reason: r.error.message });
    });
    return () => {
      live = false;
    };
  }, []);
  const available = status?.available === true;
  return (
    <div className="row" style={{ marginTop: 8, alignItems: 'center' }}>
      <label className="check">
        <input
          id={`${idPrefix}-remember`}
          type="checkbox"
          checked={available && secrets.remember}
          onChange={(e) => secrets.setRemember(e.target.checked)}
          disabled={disabled || !available}
          aria-describedby={`${idPrefix}-remember-note`}
        />
        Remember on this computer
      </label>
      {available ? (
        <button type="button" className="small" onClick={() => void secrets.recall(host, fields)} disabled={disabled || !host.trim() || !fields.user.trim()}>
          Fill in remembered
        </button>
      ) : null}
      <span id={`${idPrefix}-remember-note`} className="small muted" role="status">
        {status && !status.available ? status.reason : secrets.rememberNote}
      </span>
    </div>
  );
}

/** "Log in with": password, private key file (with passphrase) or the SSH agent. */
export function LoginFields({ idPrefix, fields, onChange, secrets, disabled, host }: FieldProps & { host?: string }) {
  return (
    <fieldset disabled={disabled}>
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
            <input type="radio" name={`${idPrefix}-kind`} value={kind} checked={fields.kind === kind} onChange={() => onChange({ kind })} />
            {label}
          </label>
        ))}
      </div>
      {fields.kind === 'password' ? (
        <div style={{ marginTop: 8 }}>
          <label htmlFor={`${idPrefix}-password`}>Login password</label>
          <input
            id={`${idPrefix}-password`}
            type="password"
            value={secrets.password}
            onChange={(e) => secrets.setPassword(e.target.value)}
            autoComplete="off"
          />
        </div>
      ) : null}
      {fields.kind === 'key' ? (
        <div className="row" style={{ marginTop: 8 }}>
          <div className="grow">
            <label htmlFor={`${idPrefix}-key`}>
              Private key <span className="hint">— OpenSSH, PEM or PKCS#8; read here, sent only to the check</span>
            </label>
             <input id={`${idPrefix}-key`} key={secrets.keyInputGeneration} type="file" onChange={(e) => void secrets.onKeyFile(e.target.files?.[0])} />
            {secrets.keyName ? <div className="small muted">Loaded: {secrets.keyName}</div> : null}
            {secrets.keyError ? <div className="field-error">{secrets.keyError}</div> : null}
          </div>
          <div className="grow">
            <label htmlFor={`${idPrefix}-passphrase`}>Passphrase (if the key has one)</label>
            <input
              id={`${idPrefix}-passphrase`}
              type="password"
              value={secrets.passphrase}
              onChange={(e) => secrets.setPassphrase(e.target.value)}
              autoComplete="off"
            />
          </div>
        </div>
      ) : null}
      {fields.kind === 'agent' ? <p className="small muted">Uses the keys in the running ssh-agent (SSH_AUTH_SOCK).</p> : null}
      {fields.kind !== 'agent' && host !== undefined ? <RememberField idPrefix={idPrefix} host={host} fields={fields} secrets={secrets} disabled={disabled} /> : null}
      {fields.kind !== 'agent' ? <KeepForSessionField idPrefix={idPrefix} secrets={secrets} disabled={disabled} /> : null}
    </fieldset>
  );
}

/** "Root delegation": method, custom command template, delegation password. */
export function DelegationFields({ idPrefix, fields, onChange, secrets, disabled }: FieldProps) {
  return (
    <fieldset disabled={disabled}>
      <legend>Root delegation</legend>
      <div className="row">
        <div className="grow">
          <label htmlFor={`${idPrefix}-delegation`}>Method</label>
          <select
            id={`${idPrefix}-delegation`}
            value={fields.delegation}
            onChange={(e) => onChange({ delegation: e.target.value as DelegationMethod })}
          >
            {DELEGATION_METHODS.map((m) => (
              <option key={m} value={m}>
                {DELEGATION_LABEL[m]}
              </option>
            ))}
          </select>
        </div>
        {fields.delegation === 'custom' ? (
          <div className="grow">
            <label htmlFor={`${idPrefix}-delegation-cmd`}>
              Command <span className="hint">— {'{cmd}'} is replaced by the command to run as root</span>
            </label>
            <input
              id={`${idPrefix}-delegation-cmd`}
              type="text"
              value={fields.delegationCommand}
              onChange={(e) => onChange({ delegationCommand: e.target.value })}
            />
          </div>
        ) : null}
        <div className="grow">
          <label htmlFor={`${idPrefix}-delegation-pw`}>
            Delegation password <span className="hint">— empty: the login password</span>
          </label>
          <input
            id={`${idPrefix}-delegation-pw`}
            type="password"
            value={secrets.delegationPassword}
            onChange={(e) => secrets.setDelegationPassword(e.target.value)}
            autoComplete="off"
          />
        </div>
      </div>
    </fieldset>
  );
}

/** Parallel SSH sessions, as the scanner opens them. */
export function SessionsField({ idPrefix, fields, onChange, disabled }: Omit<FieldProps, 'secrets'>) {
  return (
    <div style={{ width: 170 }}>
      <label htmlFor={`${idPrefix}-sessions`}>Parallel sessions</label>
      <input
        aria-describedby={`${idPrefix}-sessions-hint`}
        id={`${idPrefix}-sessions`}
        type="number"
        min={1}
        max={100}
        value={fields.sessions}
        onChange={(e) => onChange({ sessions: Math.min(100, Math.max(1, Number(e.target.value) || 10)) })}
        disabled={disabled}
      />
      <span id={`${idPrefix}-sessions-hint`} className="small muted">
        SSH sessions opened at once, as a scan does (sshd MaxSessions / MaxStartups may refuse some).
      </span>
    </div>
  );
}
