import { useState } from 'react';
import type { Advice, AdviceAction } from '../../shared/diagnosis.js';
import { CopyButton } from './CopyButton.js';

/** Ranked advice: fixes first, tips last, each action with a copy button when it is a command. */
export function AdviceCards({ advice, heading = 'What to change' }: { advice: readonly Advice[]; heading?: string }) {
  if (advice.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="advice-h">
      <h2 id="advice-h">{heading}</h2>
      <ol className="advice-list">
        {advice.map((a, i) => (
          <AdviceCard key={`${a.id}-${i}`} advice={a} index={i} />
        ))}
      </ol>
    </section>
  );
}

/** Notes like "nftables (note)" belong to the "nftables" command; other text actions stand alone. */
function belongsTo(note: AdviceAction, command: AdviceAction): boolean {
  return note.label === command.label || note.label.startsWith(`${command.label} (`) || note.label.startsWith(`${command.label.split(' ')[0] ?? ''} (`);
}

function AdviceCard({ advice: a, index }: { advice: Advice; index: number }) {
  const commands = a.actions.filter((x) => x.kind === 'command');
  const texts = a.actions.filter((x) => x.kind === 'text');
  // Several ready-to-paste variants (nftables, iptables, firewalld, ...): show one at a time.
  const labels = [...new Set(commands.map((c) => c.label))];
  const [chosen, setChosen] = useState(labels[0] ?? '');
  const shown = labels.length > 1 ? commands.filter((c) => c.label === chosen) : commands;
  const attached = (c: AdviceAction) => texts.filter((t) => t.label !== c.label && belongsTo(t, c));
  const standalone = texts.filter((t) => !commands.some((c) => belongsTo(t, c)));
  const groupId = `advice-${index}-variants`;
  return (
    <li className={`advice ${a.severity}`} data-advice-id={a.id}>
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
    </li>
  );
}
