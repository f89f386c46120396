import { useState } from 'react';
import { doFirst } from '../../shared/advice.js';
import type { Advice, AdviceAction } from '../../shared/diagnosis.js';
import { CopyButton } from './CopyButton.js';

export interface AdviceCardsProps {
  advice: readonly Advice[];
  heading?: string;
  /** Offered on advice that a re-run can check ("Re-run with this profile"); absent: no button. */
  onRerun?: (advice: Advice) => void;
  /** Disables the re-run buttons (a run is under way). */
  busy?: boolean;
}

/**
 * Ranked advice, in the engine's order (electron/advice ranks; this never re-ranks): the top fix
 * open as "Do this first", every other item collapsed under its title.
 */
export function AdviceCards({ advice, heading = 'What to change', onRerun, busy = false }: AdviceCardsProps) {
  if (advice.length === 0) return null;
  const first = doFirst(advice);
  return (
    <section className="panel" aria-labelledby="advice-h">
      <h2 id="advice-h">{heading}</h2>
      {advice.length > 1 ? (
        <p className="small muted" style={{ marginTop: 0 }}>
          In order: {first ? 'do the first one first; ' : ''}open the others for details.
        </p>
      ) : null}
      <ol className="advice-list">
        {advice.map((a, i) => (
          <AdviceCard key={`${a.id}-${i}`} advice={a} index={i} first={a === first} open={i === 0} onRerun={onRerun} busy={busy} />
        ))}
      </ol>
    </section>
  );
}

/** Notes like "nftables (note)" belong to the "nftables" command; other text actions stand alone. */
function belongsTo(note: AdviceAction, command: AdviceAction): boolean {
  return note.label === command.label || note.label.startsWith(`${command.label} (`) || note.label.startsWith(`${command.label.split(' ')[0] ?? ''} (`);
}

function rerunLabel(a: Advice): string {
  const parts = [...(a.rerun?.tcp ?? []).map((p) => `TCP ${p}`), ...(a.rerun?.udp ?? []).map((p) => `UDP ${p}`)];
  return `Re-run with ${parts.join(', ')} added to the profile`;
}

function AdviceCard({
  advice: a,
  index,
  first,
  open,
  onRerun,
  busy,
}: {
  advice: Advice;
  index: number;
  first: boolean;
  open: boolean;
  onRerun: AdviceCardsProps['onRerun'];
  busy: boolean;
}) {
  const title = (
    <>
      {first ? <span className="first-label">Do this first</span> : null}
      {a.severity === 'tip' ? <span className="muted">Tip: </span> : null}
      {a.title}
    </>
  );
  return (
    <li className={`advice ${a.severity}${first ? ' first' : ''}`} data-advice-id={a.id} data-first={first ? 'true' : undefined}>
      {open ? (
        <>
          <h3>{title}</h3>
          <AdviceBody advice={a} index={index} onRerun={onRerun} busy={busy} />
        </>
      ) : (
        <details>
          <summary>
            <h3>
              {index + 1}. {title}
            </h3>
          </summary>
          <AdviceBody advice={a} index={index} onRerun={onRerun} busy={busy} />
        </details>
      )}
    </li>
  );
}

function AdviceBody({ advice: a, index, onRerun, busy }: { advice: Advice; index: number; onRerun: AdviceCardsProps['onRerun']; busy: boolean }) {
  // A CLI line that the app offers as a button ("verify") is not shown in the app.
  const actions = a.actions.filter((x) => !(x.cliOnly === true && onRerun && a.rerun));
  const commands = actions.filter((x) => x.kind === 'command');
  const texts = actions.filter((x) => x.kind === 'text');
  // Several ready-to-paste variants (nftables, iptables, firewalld, ...): show one at a time.
  const labels = [...new Set(commands.map((c) => c.label))];
  const [chosen, setChosen] = useState(labels[0] ?? '');
  const shown = labels.length > 1 ? commands.filter((c) => c.label === chosen) : commands;
  const attached = (c: AdviceAction) => texts.filter((t) => t.label !== c.label && belongsTo(t, c));
  const standalone = texts.filter((t) => !commands.some((c) => belongsTo(t, c)));
  const groupId = `advice-${index}-variants`;
  return (
    <>
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
      {a.rerun && onRerun ? (
        <div className="row" style={{ margin: '6px 0' }}>
          <button type="button" className="primary" onClick={() => onRerun(a)} disabled={busy}>
            {rerunLabel(a)}
          </button>
        </div>
      ) : null}
      {standalone.map((t, j) => (
        <p key={`t${j}`} className="action">
          <strong>{t.label}: </strong>
          {t.text}
        </p>
      ))}
      {labels.length > 1 ? (
        <div className="tabs" role="group" aria-label={`Commands for “${a.title}”: choose the tool`} id={groupId}>
          {labels.map((l) => (
            <button key={l} type="button" className="small" aria-pressed={l === chosen} onClick={() => setChosen(l)}>
              {l}
            </button>
          ))}
        </div>
      ) : null}
      {shown.map((c, j) => (
        <div className="action" key={`c${j}`}>
          <div className="action-head">
            <span>{c.label}</span>
            <CopyButton text={c.text} label={`${c.label} for “${a.title}”`} />
          </div>
          <pre>
            <code>{c.text}</code>
          </pre>
          {attached(c).map((t, k) => (
            <p key={k} className="small">
              <strong>{t.label}: </strong>
              {t.text}
            </p>
          ))}
        </div>
      ))}
      {a.request ? (
        <div className="action" data-testid="network-request">
          <div className="action-head">
            <span>Message for the network team</span>
            <CopyButton text={a.request} label={`message for the network team about “${a.title}”`} />
          </div>
          <pre className="message-block">{a.request}</pre>
        </div>
      ) : null}
    </>
  );
}
