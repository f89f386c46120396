/**
 * Opening a bundle (issue 10): the Import button (History), and the window-wide drop target and
 * file picker (web mode) that the File menu's Import bundle… also uses. Self-contained: App
 * renders <BundleDropTarget /> once; History renders <ImportButton />.
 */
import { useEffect, useRef, useState } from 'react';
import { droppedBundles } from '../lib/bundleFiles.js';
import { bundleActions, useBundle } from '../stores/bundleStore.js';
import { BundleMessage } from './ExportButton.js';

export function ImportButton() {
  const b = useBundle();
  return (
    <span className="row">
      <button type="button" onClick={() => void bundleActions.openImport()} disabled={b.busy} data-testid="import-bundle">
        Import bundle…
      </button>
      <BundleMessage />
    </span>
  );
}

/** Drop a .zip bundle anywhere on the window; also holds web mode's hidden file picker. */
export function BundleDropTarget() {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  useEffect(() => {
    bundleActions.setPicker(() => input.current?.click());
    const hasFiles = (e: DragEvent): boolean => [...(e.dataTransfer?.types ?? [])].includes('Files');
    const onOver = (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      e.preventDefault(); // allow the drop (and never let the browser navigate to the file)
      setOver(true);
    };
    const onLeave = (e: DragEvent): void => {
      if (e.relatedTarget === null) setOver(false);
    };
    const onDrop = (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      setOver(false);
      const files = droppedBundles([...(e.dataTransfer?.files ?? [])]);
      if (files[0]) void bundleActions.importFile(files[0]);
    };
    window.addEventListener('dragover', onOver);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      bundleActions.setPicker(null);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('drop', onDrop);
    };
  }, []);
  return (
    <>
      <input
        ref={input}
        type="file"
        accept=".zip,application/zip"
        hidden
        data-testid="bundle-file-input"
        aria-label="Choose a ScanReady debug bundle to import"
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) void bundleActions.importFile(f);
        }}
      />
      {over ? (
        <div className="drop-overlay" role="status">
          Drop a ScanReady debug bundle (.zip) to open it
        </div>
      ) : null}
    </>
  );
}
