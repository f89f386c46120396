import type { ReactNode } from 'react';
import { useProfileNames } from '../stores/profilesStore.js';

export function ErrorBanner({ message, onDismiss }: { message: string | null | undefined; onDismiss?: () => void }) {
  if (!message) return null;
  return (
    <div className="banner error" role="alert">
      <strong>Problem</strong>
      {message}
      {onDismiss ? (
        <div className="row">
          <button type="button" className="small" onClick={onDismiss}>
            Dismiss
          </button>
        </div>
      ) : null}
    </div>
  );
}

export function ScreenHeader({ title, lead }: { title: string; lead?: ReactNode }) {
  return (
    <header>
      {/* Focus target after navigation (see uiStore.navigate). */}
      <h1 id="screen-title" tabIndex={-1}>
        {title}
      </h1>
      {lead ? <p className="lead">{lead}</p> : null}
    </header>
  );
}

/** Profile picker shared by the diagnosis, sweep and credential forms. */
export function ProfileSelect({
  id,
  value,
  onChange,
  disabled,
  label = 'Discovery profile',
}: {
  id: string;
  value: string;
  onChange: (name: string) => void;
  disabled?: boolean;
  label?: string;
}) {
  const names = useProfileNames();
  const options = names.includes(value) ? names : [value, ...names];
  return (
    <div>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} disabled={disabled}>
        {options.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </div>
  );
}

export function isBusy(status: string): boolean {
  return status === 'starting' || status === 'running' || status === 'cancelling';
}
