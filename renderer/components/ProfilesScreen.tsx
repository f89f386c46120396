import { useMemo, useRef, useState, type FormEvent } from 'react';
import type { ProfileEntry } from '../../shared/ipc.js';
import {
  parsePortList,
  profileSchema,
  profileWarnings,
  QUALYS_MAX_ADDITIONAL_TCP,
  QUALYS_MAX_CUSTOM_UDP,
  QUALYS_STANDARD_TCP,
  QUALYS_STANDARD_UDP,
  type DiscoveryProfile,
} from '../../shared/profiles.js';
import { useProfileEntries, useProfilesActions, useProfilesStatus } from '../stores/profilesStore.js';
import { ErrorBanner, ScreenHeader } from './Common.js';

interface Draft {
  name: string;
  description: string;
  tcpSyn: string;
  tcpAck: string;
  tcpSynAck: string;
  udp: string;
  icmpEcho: boolean;
  icmpTimestamp: boolean;
  timeoutMs: string;
  retries: string;
}

const pairs = (list: readonly { sourcePort: number; port: number }[]) => list.map((p) => `${p.sourcePort}:${p.port}`).join(', ');

function toDraft(p: DiscoveryProfile): Draft {
  return {
    name: p.name,
    description: p.description,
    tcpSyn: p.tcpSyn.join(', '),
    tcpAck: pairs(p.tcpAck),
    tcpSynAck: pairs(p.tcpSynAck),
    udp: p.udp.join(', '),
    icmpEcho: p.icmpEcho,
    icmpTimestamp: p.icmpTimestamp,
    timeoutMs: String(p.timeoutMs),
    retries: String(p.retries),
  };
}

function parsePairs(text: string, label: string): { sourcePort: number; port: number }[] {
  if (!text.trim()) return [];
  return text.split(',').map((part) => {
    const m = /^\s*(\d{1,5})\s*[:>→-]\s*(\d{1,5})\s*$/.exec(part);
    if (!m) throw new Error(`${label}: “${part.trim()}” should be source:destination, e.g. 80:2869`);
    return { sourcePort: Number(m[1]), port: Number(m[2]) };
  });
}

/** Draft → profile, or the first problem in plain words. */
function fromDraft(d: Draft): { profile: DiscoveryProfile } | { error: string } {
  try {
    const parsed = profileSchema.safeParse({
      name: d.name.trim(),
      description: d.description,
      scanner: 'custom',
      tcpSyn: d.tcpSyn.trim() ? parsePortList(d.tcpSyn, 'TCP SYN ports') : [],
      tcpAck: parsePairs(d.tcpAck, 'TCP ACK probes'),
      tcpSynAck: parsePairs(d.tcpSynAck, 'TCP SYN-ACK probes'),
      udp: d.udp.trim() ? parsePortList(d.udp, 'UDP ports') : [],
      icmpEcho: d.icmpEcho,
      icmpTimestamp: d.icmpTimestamp,
      timeoutMs: Number(d.timeoutMs),
      retries: Number(d.retries),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { error: issue ? `${issue.path.join('.') || 'profile'}: ${issue.message}` : 'The profile is not valid.' };
    }
    return { profile: parsed.data };
  } catch (err) {
    return { error: err instanceof Error ? err.message : 'The profile is not valid.' };
  }
}

function download(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function ProfilesScreen() {
  const entries = useProfileEntries();
  const status = useProfilesStatus();
  const actions = useProfilesActions();
  const [selected, setSelected] = useState<string | null>(null);
  const [overwrite, setOverwrite] = useState(false);
  const importInput = useRef<HTMLInputElement>(null);
  const current = entries.find((e) => e.profile.name === selected) ?? entries[0] ?? null;

  async function onImport(file: File | undefined): Promise<void> {
    if (!file) return;
    const imported = await actions.importJson(await file.text(), overwrite);
    if (importInput.current) importInput.current.value = '';
    if (imported?.[0]) setSelected(imported[0].profile.name);
  }

  async function onExport(names?: string[]): Promise<void> {
    const out = await actions.exportJson(names);
    if (out) download(out.fileName, out.json);
  }

  return (
    <>
      <ScreenHeader
        title="Discovery profiles"
        lead="Which probes a scanner sends before it decides a host is alive. Built-in profiles follow each scanner's defaults; copy one to change it."
      />
      <ErrorBanner message={status.error} onDismiss={actions.clearMessages} />
      {status.notice ? (
        <div className="banner ok" role="status">
          {status.notice}
        </div>
      ) : null}
      <div className="row" style={{ alignItems: 'flex-start' }}>
        <nav className="panel" style={{ flex: '0 0 240px' }} aria-label="Profiles">
          <h2>Profiles</h2>
          <ul style={{ listStyle: 'none', padding: 0, margin: 0 }}>
            {entries.map((e) => (
              <li key={e.profile.name}>
                <button
                  type="button"
                  className="nav-btn"
                  aria-current={current?.profile.name === e.profile.name ? 'true' : undefined}
                  onClick={() => setSelected(e.profile.name)}
                >
                  {e.profile.name}
                  {e.builtin ? <span className="small"> (built-in)</span> : null}
                  {e.warnings.length > 0 ? <span className="small"> ⚠</span> : null}
                </button>
              </li>
            ))}
          </ul>
          <div className="stack" style={{ marginTop: 12 }}>
            <div>
              <label htmlFor="profile-import">Import profiles (JSON)</label>
              <input id="profile-import" ref={importInput} type="file" accept=".json,application/json" onChange={(e) => void onImport(e.target.files?.[0])} />
            </div>
            <label className="check">
              <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} />
              Replace custom profiles with the same name
            </label>
            <button type="button" onClick={() => void onExport()}>
              Export all custom profiles
            </button>
          </div>
        </nav>
        <div className="grow" style={{ flexBasis: 560 }}>
          {current ? (
            <ProfileEditor
              key={current.profile.name}
              entry={current}
              existingNames={entries.map((e) => e.profile.name)}
              onSaved={setSelected}
              onExport={() => void onExport([current.profile.name])}
            />
          ) : (
            <p className="muted">Loading profiles…</p>
          )}
        </div>
      </div>
    </>
  );
}

function ProfileEditor({
  entry,
  existingNames,
  onSaved,
  onExport,
}: {
  entry: ProfileEntry;
  existingNames: string[];
  onSaved: (name: string) => void;
  onExport: () => void;
}) {
  const actions = useProfilesActions();
  const [draft, setDraft] = useState<Draft>(() => toDraft(entry.profile));
  const [mode, setMode] = useState<'view' | 'edit'>(entry.builtin ? 'view' : 'edit');
  const [confirmDelete, setConfirmDelete] = useState(false);
  const readOnly = mode === 'view';
  const parsed = useMemo(() => fromDraft(draft), [draft]);
  const profile = 'profile' in parsed ? parsed.profile : null;
  const warnings = profile ? profileWarnings(profile) : [];
  const standardTcp = new Set<number>(QUALYS_STANDARD_TCP);
  const additionalTcp = profile ? [...new Set(profile.tcpSyn)].filter((p) => !standardTcp.has(p)).length : 0;
  const udpStandard =
    profile !== null && profile.udp.length === QUALYS_STANDARD_UDP.length && QUALYS_STANDARD_UDP.every((p) => profile.udp.includes(p));
  const udpCount = profile ? new Set(profile.udp).size : 0;

  function set<K extends keyof Draft>(key: K, value: Draft[K]): void {
    setDraft((d) => ({ ...d, [key]: value }));
  }

  function duplicate(): void {
    let name = `${entry.profile.name}-copy`;
    for (let i = 2; existingNames.includes(name); i++) name = `${entry.profile.name}-copy${i}`;
    setDraft({ ...toDraft(entry.profile), name, description: `Copy of ${entry.profile.name}. ${entry.profile.description}`.slice(0, 500) });
    setMode('edit');
  }

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault();
    if (!profile) return;
    if (entry.builtin && profile.name === entry.profile.name) return;
    const saved = await actions.save(profile);
    if (saved) onSaved(saved.profile.name);
  }

  const nameClash = entry.builtin && mode === 'edit' && draft.name.trim() === entry.profile.name;

  return (
    <form className="panel stack" onSubmit={(e) => void submit(e)} aria-labelledby="editor-h">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h2 id="editor-h">
          {readOnly ? entry.profile.name : `Edit ${draft.name || 'profile'}`}
          {entry.builtin && readOnly ? <span className="muted small"> — built-in, read-only</span> : null}
        </h2>
        <div className="row">
          {readOnly ? (
            <button type="button" className="primary" onClick={duplicate}>
              Duplicate to edit
            </button>
          ) : null}
          <button type="button" onClick={onExport}>
            Export JSON
          </button>
        </div>
      </div>

      <div className="counts" aria-label="Qualys limits">
        <span data-testid="tcp-limit" className={additionalTcp > QUALYS_MAX_ADDITIONAL_TCP ? 'pill failed' : ''}>
          Additional TCP ports: <strong>{additionalTcp}</strong> / {QUALYS_MAX_ADDITIONAL_TCP}
        </span>
        <span data-testid="udp-limit" className={!udpStandard && udpCount > QUALYS_MAX_CUSTOM_UDP ? 'pill failed' : ''}>
          UDP ports: <strong>{udpCount}</strong> / {QUALYS_MAX_CUSTOM_UDP}
          {udpStandard ? ' (Qualys standard)' : ''}
        </span>
      </div>
      {warnings.length > 0 ? (
        <div className="banner warn" role="status">
          <strong>Qualys would not accept this profile as-is</strong>
          <ul>
            {warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
          It still runs here: ScanReady tests what you give it.
        </div>
      ) : null}

      <div className="row">
        <div className="grow">
          <label htmlFor="pf-name">Name</label>
          <input id="pf-name" type="text" value={draft.name} readOnly={readOnly} onChange={(e) => set('name', e.target.value)} aria-invalid={nameClash} />
          {nameClash ? <div className="field-error">Give the copy a new name: built-in profiles cannot be replaced.</div> : null}
        </div>
      </div>
      <div>
        <label htmlFor="pf-desc">Description</label>
        <input id="pf-desc" type="text" value={draft.description} readOnly={readOnly} onChange={(e) => set('description', e.target.value)} />
      </div>
      <div>
        <label htmlFor="pf-tcp">
          TCP SYN ports <span className="hint">— e.g. 22, 80, 8000-8010</span>
        </label>
        <textarea id="pf-tcp" className="short" rows={2} value={draft.tcpSyn} readOnly={readOnly} onChange={(e) => set('tcpSyn', e.target.value)} spellCheck={false} />
      </div>
      <div className="row">
        <div className="grow">
          <label htmlFor="pf-ack">
            TCP ACK probes <span className="hint">— source:destination</span>
          </label>
          <input id="pf-ack" type="text" placeholder="e.g. 80:2869, 25:12531" value={draft.tcpAck} readOnly={readOnly} onChange={(e) => set('tcpAck', e.target.value)} />
        </div>
        <div className="grow">
          <label htmlFor="pf-synack">
            TCP SYN-ACK probes <span className="hint">— source:destination</span>
          </label>
          <input id="pf-synack" type="text" value={draft.tcpSynAck} readOnly={readOnly} onChange={(e) => set('tcpSynAck', e.target.value)} />
        </div>
      </div>
      <div>
        <label htmlFor="pf-udp">UDP ports</label>
        <input id="pf-udp" type="text" value={draft.udp} readOnly={readOnly} onChange={(e) => set('udp', e.target.value)} />
      </div>
      <div className="row">
        <label className="check">
          <input type="checkbox" checked={draft.icmpEcho} disabled={readOnly} onChange={(e) => set('icmpEcho', e.target.checked)} />
          ICMP echo
        </label>
        <label className="check">
          <input type="checkbox" checked={draft.icmpTimestamp} disabled={readOnly} onChange={(e) => set('icmpTimestamp', e.target.checked)} />
          ICMP timestamp
        </label>
        <div style={{ width: 150 }}>
          <label htmlFor="pf-timeout">Timeout (ms)</label>
          <input id="pf-timeout" type="number" min={50} max={60000} value={draft.timeoutMs} readOnly={readOnly} onChange={(e) => set('timeoutMs', e.target.value)} />
        </div>
        <div style={{ width: 110 }}>
          <label htmlFor="pf-retries">Retries</label>
          <input id="pf-retries" type="number" min={0} max={10} value={draft.retries} readOnly={readOnly} onChange={(e) => set('retries', e.target.value)} />
        </div>
      </div>
      {'error' in parsed && !readOnly ? (
        <div className="field-error" role="alert">
          {parsed.error}
        </div>
      ) : null}
      {!readOnly ? (
        <div className="row">
          <button type="submit" className="primary" disabled={!profile || nameClash}>
            Save profile
          </button>
          {entry.builtin ? (
            <button type="button" onClick={() => setMode('view')}>
              Discard copy
            </button>
          ) : (
            <>
              <button type="button" className="danger" onClick={() => setConfirmDelete(true)} disabled={confirmDelete}>
                Delete profile
              </button>
              {confirmDelete ? (
                <span className="row" role="group" aria-label="Confirm deletion">
                  <span>Delete “{entry.profile.name}” for good?</span>
                  <button type="button" className="danger" onClick={() => void actions.remove(entry.profile.name)}>
                    Yes, delete
                  </button>
                  <button type="button" onClick={() => setConfirmDelete(false)}>
                    Keep it
                  </button>
                </span>
              ) : null}
            </>
          )}
        </div>
      ) : null}
    </form>
  );
}
