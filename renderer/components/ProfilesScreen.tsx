import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
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
import { uiActions, type Screen } from '../stores/uiStore.js';
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
  /** Attempts per probe (the profile stores retries = attempts - 1): one wording with the verdict's "2 attempts each". */
  attempts: string;
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
    attempts: String(p.retries + 1),
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

type FieldErrors = Partial<Record<keyof Draft, string>>;

function attempt<T>(fn: () => T): { value: T } | { error: string } {
  try {
    return { value: fn() };
  } catch (err) {
    return { error: err instanceof Error ? err.message : 'not valid' };
  }
}

/** Each field read on its own: every problem at once, and what does parse still counts. */
function readDraft(d: Draft): {
  errors: FieldErrors;
  tcpSyn: number[] | null;
  udp: number[] | null;
  profile: DiscoveryProfile | null;
} {
  const errors: FieldErrors = {};
  const tcpSyn = attempt(() => (d.tcpSyn.trim() ? parsePortList(d.tcpSyn, 'TCP SYN ports') : []));
  const tcpAck = attempt(() => parsePairs(d.tcpAck, 'TCP ACK probes'));
  const tcpSynAck = attempt(() => parsePairs(d.tcpSynAck, 'TCP SYN-ACK probes'));
  const udp = attempt(() => (d.udp.trim() ? parsePortList(d.udp, 'UDP ports') : []));
  if ('error' in tcpSyn) errors.tcpSyn = tcpSyn.error;
  if ('error' in tcpAck) errors.tcpAck = tcpAck.error;
  if ('error' in tcpSynAck) errors.tcpSynAck = tcpSynAck.error;
  if ('error' in udp) errors.udp = udp.error;
  if (!d.name.trim()) errors.name = 'Give the profile a name.';
  else if (d.name.trim().length > 80) errors.name = 'At most 80 characters.';
  if (d.description.length > 500) errors.description = 'At most 500 characters.';
  const timeout = Number(d.timeoutMs);
  if (d.timeoutMs.trim() === '' || !Number.isInteger(timeout) || timeout < 50 || timeout > 60_000) errors.timeoutMs = 'A whole number of milliseconds, 50 to 60000.';
  const attempts = Number(d.attempts);
  if (d.attempts.trim() === '' || !Number.isInteger(attempts) || attempts < 1 || attempts > 11) errors.attempts = 'A whole number, 1 to 11.';
  let profile: DiscoveryProfile | null = null;
  if (Object.keys(errors).length === 0 && 'value' in tcpSyn && 'value' in tcpAck && 'value' in tcpSynAck && 'value' in udp) {
    const parsed = profileSchema.safeParse({
      name: d.name.trim(),
      description: d.description,
      scanner: 'custom',
      tcpSyn: tcpSyn.value,
      tcpAck: tcpAck.value,
      tcpSynAck: tcpSynAck.value,
      udp: udp.value,
      icmpEcho: d.icmpEcho,
      icmpTimestamp: d.icmpTimestamp,
      timeoutMs: timeout,
      retries: attempts - 1,
    });
    if (parsed.success) profile = parsed.data;
    else {
      for (const issue of parsed.error.issues) {
        const key = issue.path[0] === 'retries' ? 'attempts' : (issue.path[0] as keyof Draft | undefined);
        if (key && key in d && !errors[key]) errors[key] = issue.message;
        else errors.name ??= issue.message;
      }
    }
  }
  return { errors, tcpSyn: 'value' in tcpSyn ? tcpSyn.value : null, udp: 'value' in udp ? udp.value : null, profile };
}

/** Error text under a field, tied to it with aria-describedby (see fieldProps). */
function FieldError({ id, error }: { id: string; error: string | undefined }) {
  return error ? (
    <p id={`${id}-error`} className="field-error">
      {error}
    </p>
  ) : null;
}

function fieldProps(id: string, error: string | undefined) {
  return error ? { 'aria-invalid': true, 'aria-describedby': `${id}-error` } : {};
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
  // Unsaved edits: leaving (another profile, another screen, closing the page) asks first.
  const [dirty, setDirty] = useState(false);
  const [pending, setPending] = useState<{ profile: string } | { screen: Screen } | null>(null);
  const dirtyRef = useRef(false);
  const markDirty = useCallback((d: boolean) => {
    dirtyRef.current = d;
    setDirty(d);
  }, []);
  useEffect(() => {
    uiActions.setLeaveGuard((to) => {
      if (!dirtyRef.current) return true;
      setPending({ screen: to });
      return false;
    });
    const beforeUnload = (e: BeforeUnloadEvent) => {
      if (dirtyRef.current) e.preventDefault();
    };
    window.addEventListener('beforeunload', beforeUnload);
    return () => {
      uiActions.setLeaveGuard(null);
      window.removeEventListener('beforeunload', beforeUnload);
    };
  }, []);
  const choose = (name: string) => {
    if (dirty && name !== current?.profile.name) setPending({ profile: name });
    else setSelected(name);
  };
  const discardAndGo = () => {
    const to = pending;
    setPending(null);
    markDirty(false);
    if (!to) return;
    if ('profile' in to) setSelected(to.profile);
    else uiActions.navigate(to.screen);
  };
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
      {pending ? (
        <div className="banner warn" role="alertdialog" aria-labelledby="unsaved-h" data-testid="unsaved-prompt">
          <strong id="unsaved-h">Unsaved changes</strong>
          The profile you are editing has changes that are not saved. Leave and lose them?
          <div className="row">
            <button type="button" className="danger" onClick={discardAndGo}>
              Discard changes
            </button>
            <button type="button" className="primary" onClick={() => setPending(null)} autoFocus>
              Keep editing
            </button>
          </div>
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
                  onClick={() => choose(e.profile.name)}
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
              onDirty={markDirty}
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
  onDirty,
}: {
  entry: ProfileEntry;
  existingNames: string[];
  onSaved: (name: string) => void;
  onExport: () => void;
  /** Tells the screen whether the form holds unsaved edits. */
  onDirty: (dirty: boolean) => void;
}) {
  const actions = useProfilesActions();
  const [draft, setDraft] = useState<Draft>(() => toDraft(entry.profile));
  const [mode, setMode] = useState<'view' | 'edit'>(entry.builtin ? 'view' : 'edit');
  const [confirmDelete, setConfirmDelete] = useState(false);
  const readOnly = mode === 'view';
  const read = useMemo(() => readDraft(draft), [draft]);
  const profile = read.profile;
  const errors = readOnly ? {} : read.errors;
  const warnings = profile ? profileWarnings(profile) : [];
  // Counters from each field on its own: a typo in another field does not drop them to 0.
  const standardTcp = new Set<number>(QUALYS_STANDARD_TCP);
  const tcpSyn = read.tcpSyn;
  const udp = read.udp;
  const additionalTcp = tcpSyn ? [...new Set(tcpSyn)].filter((p) => !standardTcp.has(p)).length : null;
  const udpStandard = udp !== null && udp.length === QUALYS_STANDARD_UDP.length && QUALYS_STANDARD_UDP.every((p) => udp.includes(p));
  const udpCount = udp ? new Set(udp).size : null;
  const dirty = !readOnly && JSON.stringify(draft) !== JSON.stringify(toDraft(entry.profile));
  useEffect(() => onDirty(dirty), [dirty, onDirty]);

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
    if (saved) {
      onDirty(false);
      onSaved(saved.profile.name);
    }
  }

  const nameClash = entry.builtin && mode === 'edit' && draft.name.trim() === entry.profile.name;
  const nameError = nameClash ? 'Give the copy a new name: built-in profiles cannot be replaced.' : errors.name;
  const problems = Object.keys(errors).length + (nameClash && !errors.name ? 1 : 0);

  return (
    <form className={`panel stack${readOnly ? ' readonly' : ''}`} onSubmit={(e) => void submit(e)} aria-labelledby="editor-h" noValidate>
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
      {readOnly ? (
        <p className="readonly-note" data-testid="readonly-note">
          Built-in profiles follow the scanner's defaults and cannot be changed here. “Duplicate to edit” makes an editable copy.
        </p>
      ) : null}

      <div className="counts" aria-label="Qualys limits">
        <span data-testid="tcp-limit" className={additionalTcp !== null && additionalTcp > QUALYS_MAX_ADDITIONAL_TCP ? 'pill failed' : ''}>
          Additional TCP ports: <strong>{additionalTcp ?? '?'}</strong> / {QUALYS_MAX_ADDITIONAL_TCP}
          {additionalTcp === null ? ' (fix the TCP SYN ports to count)' : ''}
        </span>
        <span data-testid="udp-limit" className={!udpStandard && udpCount !== null && udpCount > QUALYS_MAX_CUSTOM_UDP ? 'pill failed' : ''}>
          UDP ports: <strong>{udpCount ?? '?'}</strong> / {QUALYS_MAX_CUSTOM_UDP}
          {udpStandard ? ' (Qualys standard)' : ''}
          {udpCount === null ? ' (fix the UDP ports to count)' : ''}
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
          <input id="pf-name" type="text" value={draft.name} readOnly={readOnly} onChange={(e) => set('name', e.target.value)} {...fieldProps('pf-name', nameError)} />
          <FieldError id="pf-name" error={nameError} />
        </div>
      </div>
      <div>
        <label htmlFor="pf-desc">Description</label>
        <input id="pf-desc" type="text" value={draft.description} readOnly={readOnly} onChange={(e) => set('description', e.target.value)} {...fieldProps('pf-desc', errors.description)} />
        <FieldError id="pf-desc" error={errors.description} />
      </div>
      <div>
        <label htmlFor="pf-tcp">
          TCP SYN ports <span className="hint">— e.g. 22, 80, 8000-8010</span>
        </label>
        <textarea id="pf-tcp" className="short" rows={2} value={draft.tcpSyn} readOnly={readOnly} onChange={(e) => set('tcpSyn', e.target.value)} spellCheck={false} {...fieldProps('pf-tcp', errors.tcpSyn)} />
        <FieldError id="pf-tcp" error={errors.tcpSyn} />
      </div>
      <div className="row">
        <div className="grow">
          <label htmlFor="pf-ack">
            TCP ACK probes <span className="hint">— source:destination</span>
          </label>
          <input id="pf-ack" type="text" placeholder="e.g. 80:2869, 25:12531" value={draft.tcpAck} readOnly={readOnly} onChange={(e) => set('tcpAck', e.target.value)} {...fieldProps('pf-ack', errors.tcpAck)} />
          <FieldError id="pf-ack" error={errors.tcpAck} />
        </div>
        <div className="grow">
          <label htmlFor="pf-synack">
            TCP SYN-ACK probes <span className="hint">— source:destination</span>
          </label>
          <input id="pf-synack" type="text" value={draft.tcpSynAck} readOnly={readOnly} onChange={(e) => set('tcpSynAck', e.target.value)} {...fieldProps('pf-synack', errors.tcpSynAck)} />
          <FieldError id="pf-synack" error={errors.tcpSynAck} />
        </div>
      </div>
      <div>
        <label htmlFor="pf-udp">UDP ports</label>
        <input id="pf-udp" type="text" value={draft.udp} readOnly={readOnly} onChange={(e) => set('udp', e.target.value)} {...fieldProps('pf-udp', errors.udp)} />
        <FieldError id="pf-udp" error={errors.udp} />
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
        <div style={{ width: 170 }}>
          <label htmlFor="pf-timeout">Timeout (ms)</label>
          <input id="pf-timeout" type="number" min={50} max={60000} value={draft.timeoutMs} readOnly={readOnly} onChange={(e) => set('timeoutMs', e.target.value)} {...fieldProps('pf-timeout', errors.timeoutMs)} />
          <FieldError id="pf-timeout" error={errors.timeoutMs} />
        </div>
        <div style={{ width: 170 }}>
          <label htmlFor="pf-attempts">
            Attempts per probe <span className="hint">— 2 = one retry</span>
          </label>
          <input id="pf-attempts" type="number" min={1} max={11} value={draft.attempts} readOnly={readOnly} onChange={(e) => set('attempts', e.target.value)} {...fieldProps('pf-attempts', errors.attempts)} />
          <FieldError id="pf-attempts" error={errors.attempts} />
        </div>
      </div>
      {!readOnly && problems > 0 ? (
        <p className="field-error" role="alert" data-testid="profile-problems">
          {problems} field{problems === 1 ? ' needs' : 's need'} fixing before the profile can be saved (marked above).
        </p>
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
