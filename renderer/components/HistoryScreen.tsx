import { useState } from 'react';
import { useHistoryActions, useHistoryError, useHistoryItems, useHistoryLoaded, useHistoryOpening } from '../stores/historyStore.js';
import { AUTH_STATUS_LABEL, formatWhen, VERDICT_LABEL } from '../lib/format.js';
import { ErrorBanner, ScreenHeader } from './Common.js';

const KIND_LABEL = { diagnosis: 'Diagnosis', discovery: 'Sweep', auth: 'Credential check' } as const;

export function HistoryScreen() {
  const items = useHistoryItems();
  const loaded = useHistoryLoaded();
  const error = useHistoryError();
  const opening = useHistoryOpening();
  const actions = useHistoryActions();
  const [confirmClear, setConfirmClear] = useState(false);
  return (
    <>
      <ScreenHeader title="History" lead="Past diagnoses, sweeps and credential checks. Open one to see it again exactly as it was. No secrets are stored." />
      <ErrorBanner message={error} />
      <section className="panel" aria-labelledby="hist-h">
        <div className="row" style={{ justifyContent: 'space-between' }}>
          <h2 id="hist-h">
            {items.length} entr{items.length === 1 ? 'y' : 'ies'}
          </h2>
          {items.length > 0 ? (
            confirmClear ? (
              <span className="row" role="group" aria-label="Confirm clearing history">
                <span>Delete every entry?</span>
                <button
                  type="button"
                  className="danger"
                  onClick={() => {
                    setConfirmClear(false);
                    void actions.clear();
                  }}
                >
                  Yes, clear history
                </button>
                <button type="button" onClick={() => setConfirmClear(false)}>
                  Keep it
                </button>
              </span>
            ) : (
              <button type="button" onClick={() => setConfirmClear(true)}>
                Clear history
              </button>
            )
          ) : null}
        </div>
        {!loaded ? (
          <p className="muted">Loading…</p>
        ) : items.length === 0 ? (
          <p className="muted">Nothing yet: diagnoses, sweeps and credential checks appear here when they finish.</p>
        ) : (
          <div className="table-wrap">
            <table data-testid="history-table">
              <caption className="sr-only">History of past runs, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Target</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {items.map((h) => (
                  <tr key={h.id}>
                    <td className="small">{formatWhen(h.createdAt)}</td>
                    <td>{KIND_LABEL[h.kind]}</td>
                    <td className="mono">{h.target}</td>
                    <td>
                      {h.verdict ? <span className={`pill ${h.verdict}`}>{VERDICT_LABEL[h.verdict]}</span> : null}{' '}
                      {h.authStatus ? <span className={`pill ${h.authStatus}`}>{AUTH_STATUS_LABEL[h.authStatus]}</span> : null}{' '}
                      {h.hosts ? (
                        <span>
                          {h.hosts.alive} of {h.hosts.total} alive
                        </span>
                      ) : null}
                      <div className="small muted">{h.title}</div>
                    </td>
                    <td>
                      <div className="row">
                        <button type="button" className="small" onClick={() => void actions.open(h.id)} disabled={opening !== null} aria-label={`Open ${KIND_LABEL[h.kind].toLowerCase()} of ${h.target}`}>
                          {opening === h.id ? 'Opening…' : 'Open'}
                        </button>
                        <button type="button" className="small" onClick={() => void actions.remove(h.id)} aria-label={`Delete ${KIND_LABEL[h.kind].toLowerCase()} of ${h.target} from history`}>
                          Delete
                        </button>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
