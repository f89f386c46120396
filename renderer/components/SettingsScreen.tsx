import { useEffect, useState } from 'react';
import type { KnownHost } from '../../shared/ipc.js';
import { THEMES } from '../../shared/requests.js';
import { plainError } from '../lib/format.js';
import { useAppInfo, usePrivilege, useSettings, useSettingsActions, useSettingsError } from '../stores/settingsStore.js';
import { ErrorBanner, ScreenHeader } from './Common.js';

export function SettingsScreen() {
  const settings = useSettings();
  const info = useAppInfo();
  const privilege = usePrivilege();
  const error = useSettingsError();
  const { update, knownHosts, forgetHostKey } = useSettingsActions();
  const [known, setKnown] = useState<KnownHost[] | null>(null);
  const [knownError, setKnownError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    knownHosts().then(
      (k) => live && setKnown(k),
      (err: unknown) => live && setKnownError(plainError(err)),
    );
    return () => {
      live = false;
    };
  }, [knownHosts]);

  async function forget(h: KnownHost): Promise<void> {
    try {
      await forgetHostKey(h.host, h.port);
      setKnown(await knownHosts());
    } catch (err) {
      setKnownError(plainError(err));
    }
  }

  return (
    <>
      <ScreenHeader title="Settings" />
      <ErrorBanner message={error} />
      <section className="panel stack" aria-labelledby="appearance-h">
        <h2 id="appearance-h">Appearance</h2>
        <div style={{ maxWidth: 260 }}>
          <label htmlFor="set-theme">Theme</label>
          <select id="set-theme" value={settings?.theme ?? 'system'} onChange={(e) => void update({ theme: e.target.value as (typeof THEMES)[number] })}>
            {THEMES.map((t) => (
              <option key={t} value={t}>
                {t === 'system' ? 'Follow the system' : t === 'light' ? 'Light' : 'Dark'}
              </option>
            ))}
          </select>
        </div>
      </section>
      <section className="panel stack" aria-labelledby="retention-h">
        <h2 id="retention-h">History</h2>
        <p className="small muted">Runs older than this, or beyond this size (oldest first), are deleted when the app starts and after each run. Pinned runs are always kept. Leave a field empty for no limit.</p>
        <div className="row">
          <RetentionField
            key={`d${settings?.historyKeepDays ?? ''}`}
            id="set-keep-days"
            label="Keep runs for (days)"
            value={settings?.historyKeepDays ?? null}
            max={36_500}
            onCommit={(v) => void update({ historyKeepDays: v })}
          />
          <RetentionField key={`m${settings?.historyKeepMB ?? ''}`} id="set-keep-mb" label="Keep at most (MB)" value={settings?.historyKeepMB ?? null} max={1_000_000} onCommit={(v) => void update({ historyKeepMB: v })} />
        </div>
      </section>
      <section className="panel" aria-labelledby="known-h">
        <h2 id="known-h">Trusted SSH host keys</h2>
        <ErrorBanner message={knownError} />
        {known === null ? (
          <p className="muted">Loading…</p>
        ) : known.length === 0 ? (
          <p className="muted">None yet: keys are trusted when you accept them during a credential check.</p>
        ) : (
          <table>
            <caption className="sr-only">Trusted host keys</caption>
            <thead>
              <tr>
                <th scope="col">Host</th>
                <th scope="col">Key</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {known.map((h) => (
                <tr key={`${h.host}:${h.port}:${h.algorithm}`}>
                  <td className="mono">
                    {h.host}:{h.port}
                  </td>
                  <td className="mono small">
                    {h.algorithm} {h.fingerprint}
                  </td>
                  <td>
                    <button type="button" className="small" onClick={() => void forget(h)} aria-label={`Forget the host key of ${h.host}`}>
                      Forget
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel" aria-labelledby="about-h">
        <h2 id="about-h">About</h2>
        <dl className="kv">
          <dt>Version</dt>
          <dd>{info ? `${info.name} ${info.version}` : '—'}</dd>
          <dt>Running as</dt>
          <dd>{info ? `${info.mode === 'web' ? 'web mode' : 'desktop app'} on ${info.platform}/${info.arch}` : '—'}</dd>
          <dt>Raw sockets</dt>
          <dd>
            {privilege
              ? privilege.rawSockets
                ? 'yes: every probe is sent as the scanner sends it'
                : `no: ACK/SYN-ACK probes need “Run privileged probes”${privilege.elevation.available ? ` (${privilege.elevation.method ?? ''})` : ' — not available here'}`
              : '—'}
          </dd>
          <dt>Data folder</dt>
          <dd className="mono small">{info?.userDataDir ?? '—'}</dd>
        </dl>
      </section>
    </>
  );
}

/** A whole number or empty (no limit), committed when the field loses focus; bad values are shown, not sent. Keyed by the stored value, so a saved change re-seeds it. */
function RetentionField({ id, label, value, max, onCommit }: { id: string; label: string; value: number | null; max: number; onCommit: (v: number | null) => void }) {
  const [text, setText] = useState(value === null ? '' : String(value));
  const [bad, setBad] = useState<string | null>(null);
  const commit = () => {
    const t = text.trim();
    if (t === '') {
      setBad(null);
      if (value !== null) onCommit(null);
      return;
    }
    const n = Number(t);
    if (!/^\d+$/.test(t) || n < 1 || n > max) {
      setBad(`A whole number from 1 to ${max}, or empty for no limit.`);
      return;
    }
    setBad(null);
    if (n !== value) onCommit(n);
  };
  return (
    <div style={{ maxWidth: 220 }}>
      <label htmlFor={id}>{label}</label>
      <input id={id} inputMode="numeric" value={text} aria-invalid={bad !== null} aria-describedby={bad ? `${id}-err` : undefined} onChange={(e) => setText(e.target.value)} onBlur={commit} />
      {bad ? (
        <div id={`${id}-err`} className="small error-text" role="alert">
          {bad}
        </div>
      ) : null}
    </div>
  );
}
