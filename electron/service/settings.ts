/** App settings: one JSON file; unknown or invalid stored keys fall back to defaults. */
import path from 'node:path';
import { DEFAULT_SETTINGS, settingsPatchSchema, type Settings, type SettingsPatch } from '../../shared/requests.js';
import { readJsonFile, SerialQueue, setAside, writeJsonAtomic } from './atomic.js';

export class SettingsStore {
  readonly file: string;
  private readonly queue = new SerialQueue();

  constructor(userDataDir: string) {
    this.file = path.join(userDataDir, 'settings.json');
  }

  async get(): Promise<Settings> {
    const read = await readJsonFile(this.file);
    if (read.state === 'missing') return { ...DEFAULT_SETTINGS };
    if (read.state === 'corrupt') {
      await setAside(this.file);
      return { ...DEFAULT_SETTINGS };
    }
    const stored = typeof read.value === 'object' && read.value !== null ? (read.value as Record<string, unknown>) : {};
    const out: Settings = { ...DEFAULT_SETTINGS };
    // Key by key, so one bad value (hand-edited file, older version) does not reset the rest.
    for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]) {
      if (!(key in stored)) continue;
      const one = settingsPatchSchema.safeParse({ [key]: stored[key] });
      if (one.success) Object.assign(out, one.data);
    }
    return out;
  }

  /** Applies an already-validated patch and returns the full settings. */
  update(patch: SettingsPatch): Promise<Settings> {
    return this.queue.run(async () => {
      const next: Settings = { ...(await this.get()), ...patch };
      await writeJsonAtomic(this.file, next);
      return next;
    });
  }
}
