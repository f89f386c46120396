import type { Advice } from '../../shared/diagnosis.js';
import { CopyButton } from './CopyButton.js';

/** Ranked advice: fixes first, tips last, each action with a copy button when it is a command. */
export function AdviceCards({ advice, heading = 'What to change' }: { advice: readonly Advice[]; heading?: string }) {
  if (advice.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="advice-h">
      <h2 id="advice-h">{heading}</h2>
      <ol className="advice-list">
        {advice.map((a, i) => (
          <li key={`${a.id}-${i}`} className={`advice ${a.severity}`} data-advice-id={a.id}>
            <h3>
              {a.severity === 'tip' ? <span className="muted">Tip: </span> : null}
              {a.title}
            </h3>
            <p className="why">{a.why}</p>
            {a.hop ? (
              <p className="small">
                Hop: <code>{a.hop}</code>
              </p>
            ) : null}
            {a.ports && a.ports.length > 0 ? (
              <p className="small">
                Ports: <code>{a.ports.join(', ')}</code>
              </p>
            ) : null}
            {a.actions.map((act, j) => (
              <div className="action" key={j}>
                {act.kind === 'command' ? (
                  <>
                    <div className="action-head">
                      <span>{act.label}</span>
                      <CopyButton text={act.text} label={`${act.label} for “${a.title}”`} />
                    </div>
                    <pre>
                      <code>{act.text}</code>
                    </pre>
                  </>
                ) : (
                  <p>
                    <strong>{act.label}: </strong>
                    {act.text}
                  </p>
                )}
              </div>
            ))}
          </li>
        ))}
      </ol>
    </section>
  );
}
