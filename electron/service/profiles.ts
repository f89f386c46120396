/**
 * Custom discovery profiles, persisted as one JSON file in the user-data directory.
 * Built-in profiles are never stored, replaced or deleted. Import is all-or-nothing.
 */
import path from 'node:path';
import type { ProfileEntry, ProfileExport } from '../../shared/ipc.js';
import { BUILTIN_PROFILES, builtinProfile, profileSchema, profileWarnings, type DiscoveryProfile } from '../../shared/profiles.js';
import { describeZodError } from '../../shared/requests.js';
import { readJsonFile, SerialQueue, setAside, writeJsonAtomic } from './atomic.js';
import { badInput, ServiceError } from './errors.js';

interface ProfilesFile {
  version: 1;
  profiles: DiscoveryProfile[];
}

export const MAX_CUSTOM_PROFILES = 500;

function entry(profile: DiscoveryProfile, builtin: boolean): ProfileEntry {
  return { profile, builtin, warnings: profileWarnings(profile) };
}

export class ProfileStore {
  readonly file: string;
  private readonly queue = new SerialQueue();

  constructor(userDataDir: string) {
    this.file = path.join(userDataDir, 'profiles.json');
  }

  /** Custom profiles on disk; invalid entries are dropped, a corrupt file is set aside. */
  async custom(): Promise<DiscoveryProfile[]> {
    const read = await readJsonFile(this.file);
    if (read.state === 'missing') return [];
    if (read.state === 'corrupt') {
      await setAside(this.file);
      return [];
    }
    const list = (read.value as Partial<ProfilesFile> | null)?.profiles;
    if (!Array.isArray(list)) return [];
    const out: DiscoveryProfile[] = [];
    for (const p of list) {
      const parsed = profileSchema.safeParse(p);
      if (parsed.success && !builtinProfile(parsed.data.name)) out.push(parsed.data);
    }
    return out;
  }

  async list(): Promise<ProfileEntry[]> {
    const custom = await this.custom();
    return [...BUILTIN_PROFILES.map((p) => entry(p, true)), ...custom.map((p) => entry(p, false))];
  }

  /** A built-in or saved profile by name. */
  async get(name: string): Promise<DiscoveryProfile | undefined> {
    return builtinProfile(name) ?? (await this.custom()).find((p) => p.name === name);
  }

  private async write(profiles: DiscoveryProfile[]): Promise<void> {
    const body: ProfilesFile = { version: 1, profiles };
    await writeJsonAtomic(this.file, body);
  }

  /** Saves (creates or replaces) a custom profile; input is validated by the caller's schema. */
  save(profile: DiscoveryProfile): Promise<ProfileEntry> {
    return this.queue.run(async () => {
      if (builtinProfile(profile.name)) {
        throw new ServiceError('conflict', `"${profile.name}" is a built-in profile and cannot be changed: save your edit under another name`);
      }
      const custom = await this.custom();
      const i = custom.findIndex((p) => p.name === profile.name);
      if (i >= 0) custom[i] = profile;
      else {
        if (custom.length >= MAX_CUSTOM_PROFILES) throw badInput(`too many custom profiles (max ${MAX_CUSTOM_PROFILES}): delete some first`);
        custom.push(profile);
      }
      await this.write(custom);
      return entry(profile, false);
    });
  }

  delete(name: string): Promise<boolean> {
    return this.queue.run(async () => {
      if (builtinProfile(name)) throw new ServiceError('conflict', `"${name}" is a built-in profile and cannot be deleted`);
      const custom = await this.custom();
      const kept = custom.filter((p) => p.name !== name);
      if (kept.length === custom.length) return false;
      await this.write(kept);
      return true;
    });
  }

  /** Parses an export file: one profile, an array, or `{ profiles: [...] }`. Throws bad-input naming the problem. */
  static parseImport(json: string): DiscoveryProfile[] {
    let data: unknown;
    try {
      data = JSON.parse(json);
    } catch (err) {
      throw badInput(`the file is not valid JSON (${(err as Error).message})`);
    }
    const list: unknown[] = Array.isArray(data)
      ? data
      : typeof data === 'object' && data !== null && Array.isArray((data as { profiles?: unknown }).profiles)
        ? ((data as { profiles: unknown[] }).profiles)
        : [data];
    if (list.length === 0) throw badInput('the file contains no profiles');
    if (list.length > MAX_CUSTOM_PROFILES) throw badInput(`the file contains too many profiles (max ${MAX_CUSTOM_PROFILES})`);
    const seen = new Set<string>();
    return list.map((item, i) => {
      const parsed = profileSchema.safeParse(item);
      if (!parsed.success) {
        const name = typeof (item as { name?: unknown } | null)?.name === 'string' ? ` "${(item as { name: string }).name}"` : '';
        throw badInput(`profile ${i + 1}${name} is not valid: ${describeZodError(parsed.error)}`);
      }
      if (seen.has(parsed.data.name)) throw badInput(`the file contains the profile "${parsed.data.name}" twice`);
      seen.add(parsed.data.name);
      return parsed.data;
    });
  }

  import(json: string, overwrite: boolean): Promise<ProfileEntry[]> {
    return this.queue.run(async () => {
      const incoming = ProfileStore.parseImport(json);
      const builtinClash = incoming.filter((p) => builtinProfile(p.name)).map((p) => p.name);
      if (builtinClash.length > 0) {
        throw new ServiceError('conflict', `the file contains built-in profile names (${builtinClash.join(', ')}): rename them in the file first`);
      }
      const custom = await this.custom();
      const existing = new Set(custom.map((p) => p.name));
      const clash = incoming.filter((p) => existing.has(p.name)).map((p) => p.name);
      if (clash.length > 0 && !overwrite) {
        throw new ServiceError('conflict', `profiles with these names already exist: ${clash.join(', ')} (import again with "replace existing")`);
      }
      const byName = new Map(custom.map((p) => [p.name, p]));
      for (const p of incoming) byName.set(p.name, p);
      if (byName.size > MAX_CUSTOM_PROFILES) throw badInput(`too many custom profiles after import (max ${MAX_CUSTOM_PROFILES})`);
      await this.write([...byName.values()]);
      return incoming.map((p) => entry(p, false));
    });
  }

  async export(names: string[] | undefined): Promise<ProfileExport> {
    const custom = await this.custom();
    let profiles: DiscoveryProfile[];
    if (names === undefined) profiles = custom;
    else {
      profiles = [];
      for (const name of names) {
        const p = builtinProfile(name) ?? custom.find((c) => c.name === name);
        if (!p) throw new ServiceError('not-found', `no profile named "${name}"`);
        profiles.push(p);
      }
    }
    const fileName = profiles.length === 1 && profiles[0] ? `${profiles[0].name.replace(/[^A-Za-z0-9._-]+/g, '_')}.json` : 'scanready-profiles.json';
    return { fileName, json: `${JSON.stringify({ profiles }, null, 2)}\n` };
  }
}
