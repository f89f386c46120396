import { AUTH_STEP_IDS, isSkipped, type AuthStep } from '../../shared/auth.js';
import { formatMs, STEP_LABEL } from '../lib/format.js';
import { CopyButton } from './CopyButton.js';

/** The audit rules the auditd step's text names, every one of them, ready to copy. */
function AuditRules({ rules }: { rules: readonly string[] }) {
  const text = rules.join('\n');
  return (
    <div className="action" data-testid="audit-rules">
      <div className="action-head">
        <span>Audit rules ({rules.length})</span>
        <CopyButton text={text} label="the audit rules" />
      </div>
      <pre>
        <code>{text}</code>
      </pre>
    </div>
  );
}

/** The credential check as a checklist that fills in step by step. */
export function Checklist({ steps, running }: { steps: readonly AuthStep[]; running: boolean }) {
  const byId = new Map(steps.map((s) => [s.id, s]));
  // The next step after the last one received is the one in progress.
  const lastIndex = Math.max(-1, ...steps.map((s) => AUTH_STEP_IDS.indexOf(s.id)));
  return (
    <ol className="checklist" aria-label="Credential check steps">
      {AUTH_STEP_IDS.map((id, i) => {
        const s = byId.get(id);
        const inProgress = running && !s && i === lastIndex + 1;
        // The engine reports steps it did not run with reason `skipped`.
        const skipped = s !== undefined && isSkipped(s);
        const mark = !s || skipped ? 'wait' : s.ok === true ? 'ok' : s.ok === false ? 'bad' : 'info';
        const symbol = !s ? (inProgress ? '…' : '·') : skipped ? '–' : s.ok === true ? '✓' : s.ok === false ? '✗' : 'i';
        const status = !s ? (inProgress ? 'in progress' : 'not run') : skipped ? 'skipped' : s.ok === true ? 'passed' : s.ok === false ? 'failed' : 'information';
        return (
          <li key={id} data-step={id} data-status={status}>
            <span className={`mark ${mark}`} aria-hidden="true">
              {inProgress ? <span className="spinner" /> : symbol}
            </span>
            <div>
              <div>
                <strong>{STEP_LABEL[id]}</strong> <span className="sr-only">({status})</span>
                {s ? <span> — {s.summary}</span> : null}
              </div>
              {s?.explanation ? <div className="explain">{s.explanation}</div> : null}
              {s?.id === 'auditd' && s.data && 'rules' in s.data && s.data.rules ? <AuditRules rules={s.data.rules} /> : null}
            </div>
            <span className="small muted mono">{s ? formatMs(s.ms) : ''}</span>
          </li>
        );
      })}
    </ol>
  );
}
