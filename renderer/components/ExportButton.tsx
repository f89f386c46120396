/**
 * Export of the stored run on screen as a debug bundle (issue 10): the button, the "replace host
 * names" checkbox, and what happened. Self-contained: a screen places `<ExportButton id=… />`
 * where its finished run is shown; nothing else in the screen changes. A run that came from a
 * bundle says so ("Imported from FILE").
 */
import { useEffect, useId } from 'react';
import { bundleActions, useBundle } from '../stores/bundleStore.js';
import { useHistoryItems } from '../stores/historyStore.js';

export function ExportButton({ id, what }: { id: string | null; what: string }) {
  const b = useBundle();
  const items = useHistoryItems();
  const checkbox = useId();
  useEffect(() => {
    bundleActions.setCurrent(id);
    return () => bundleActions.setCurrent(null);
  }, [id]);
  if (!id) return null;
  const importedFrom = items.find((h) => h.id === id)?.importedFrom;
  return (
    <div className="row export-bundle" data-testid="export-bundle">
      {importedFrom ? (
        <span className="pill" data-testid="imported-from">
          Imported from {importedFrom} (read-only: nothing was probed)
        </span>
      ) : null}
      <button type="button" onClick={() => void bundleActions.exportRun(id)} disabled={b.busy} aria-label={`Export ${what} as a debug bundle`}>
        {b.busy ? 'Exporting…' : 'Export bundle'}
      </button>
      <input id={checkbox} type="checkbox" checked={b.redactHosts} onChange={(e) => bundleActions.setRedactHosts(e.target.checked)} />
      <label htmlFor={checkbox} className="small">
        Replace host names and addresses (for sharing outside the organisation)
      </label>
      <BundleMessage />
    </div>
  );
}

/** What the last export or import did, or why not (rendered as text). */
export function BundleMessage() {
  const { message } = useBundle();
  if (!message) return null;
  return (
    <span className={`small ${message.tone === 'error' ? 'error-text' : 'muted'}`} role={message.tone === 'error' ? 'alert' : 'status'} data-testid="bundle-message">
      {message.text}
    </span>
  );
}
