import type { RunComparison } from '../../shared/compare.js';
import { formatWhen, STEP_LABEL, VERDICT_LABEL } from '../lib/format.js';

/** Two stored runs side by side: what changed, probe by probe, in the path and in the credential steps. */
export function CompareView({ c, onClose }: { c: RunComparison; onClose: () => void }) {
  const when = (s: RunComparison['a']) => (s.startedAt ? formatWhen(s.startedAt) : '');
  const nothing =
    (!c.host || (c.host.probes.length === 0 && !c.host.verdict)) &&
    (!c.path || c.path.appeared.length + c.path.vanished.length + c.path.changed.length === 0) &&
    (!c.auth || (!c.auth.status && c.auth.steps.length === 0)) &&
    (!c.sweep || c.sweep.changed.length + c.sweep.onlyBefore.length + c.sweep.onlyAfter.length === 0);
  return (
    <section className="panel" aria-labelledby="compare-h" data-testid="compare-view">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h2 id="compare-h">Comparison</h2>
        <button type="button" onClick={onClose}>
          Close comparison
        </button>
      </div>
      <table>
        <thead>
          <tr>
            <th scope="col"> </th>
            <th scope="col">A (earlier): {when(c.a)}</th>
            <th scope="col">B (later): {when(c.b)}</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Target</th>
            <td className="mono">{c.a.target}</td>
            <td className="mono">{c.b.target}</td>
          </tr>
          {c.host ? (
            <tr className={c.host.verdict ? 'changed-row' : undefined}>
              <th scope="row">Verdict</th>
              <td>{VERDICT_LABEL[c.host.verdict?.before ?? c.host.now]}</td>
              <td>
                <strong>{VERDICT_LABEL[c.host.now]}</strong>
                {c.host.verdict ? <span className="tag"> changed</span> : null}
              </td>
            </tr>
          ) : null}
          {c.host?.probes.map((p) => (
            <tr key={p.key} className="changed-row" data-testid="compare-probe">
              <th scope="row">{p.probe}</th>
              <td>{p.before}</td>
              <td>
                <strong>{p.after}</strong>
              </td>
            </tr>
          ))}
          {c.path
            ? [...c.path.appeared, ...c.path.vanished, ...c.path.changed]
                .sort((x, y) => x.ttl - y.ttl)
                .map((h) => (
                  <tr key={`hop-${h.ttl}`} className="changed-row">
                    <th scope="row">Path hop {h.ttl}</th>
                    <td>{h.before}</td>
                    <td>
                      <strong>{h.after}</strong>
                    </td>
                  </tr>
                ))
            : null}
          {c.auth?.status ? (
            <tr className="changed-row">
              <th scope="row">Credentials</th>
              <td>{c.auth.status.before}</td>
              <td>
                <strong>{c.auth.status.after}</strong>
              </td>
            </tr>
          ) : null}
          {c.auth?.steps.map((s) => (
            <tr key={s.id} className="changed-row">
              <th scope="row">{STEP_LABEL[s.id]}</th>
              <td>{s.before}</td>
              <td>
                <strong>{s.after}</strong>
              </td>
            </tr>
          ))}
          {c.sweep?.changed.slice(0, 500).map((h) => (
            <tr key={h.address} className="changed-row">
              <th scope="row" className="mono">{h.address}</th>
              <td>{VERDICT_LABEL[h.before]}</td>
              <td>
                <strong>{VERDICT_LABEL[h.after]}</strong>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!c.sameTarget ? <p className="small">These are runs of different targets.</p> : null}
      {c.sweep ? (
        <p className="small">
          {c.sweep.changed.length} host{c.sweep.changed.length === 1 ? '' : 's'} changed verdict, {c.sweep.same} the same
          {c.sweep.onlyBefore.length ? `, ${c.sweep.onlyBefore.length} only in A` : ''}
          {c.sweep.onlyAfter.length ? `, ${c.sweep.onlyAfter.length} only in B` : ''}.
        </p>
      ) : null}
      <p role="status" data-testid="compare-summary">
        {nothing ? 'Nothing changed between these two runs.' : `Marked rows changed between A and B.`}
      </p>
    </section>
  );
}
