/**
 * Collects the hosts the parsers find: every entry checked by the one target parser
 * (electron/targets) as it arrives, duplicates dropped (first wins), limits enforced, so a parser
 * never holds more than the hosts themselves.
 */
import { inertText } from '../../../shared/inertText.js';
import { checkTargetEntry } from '../../targets/index.js';
import { TRIAGE_LIMITS, TriageInputError, type InputHost, type TriageFormat } from './types.js';

export class HostSink {
  readonly hosts = new Map<string, InputHost>();
  /** Hosts per category, per file (for the summary line "412 dead, 3 excluded"). */
  readonly counts = new Map<string, number>();

  constructor(private readonly maxEntries: number = TRIAGE_LIMITS.maxEntries) {}

  /**
   * Adds one entry. `where` names the place for an error (`hosts.csv line 12`). Throws
   * TriageInputError for an entry that is not an address, range, CIDR or host name.
   */
  add(entry: string, meta: { category: string; notAlive: boolean; format: TriageFormat; source: string; where: string; reason?: string }): void {
    const text = entry.trim();
    if (text === '') return;
    let checked: ReturnType<typeof checkTargetEntry>;
    try {
      checked = checkTargetEntry(text);
    } catch (err) {
      throw new TriageInputError(`${meta.where}: ${(err as Error).message}`);
    }
    const key = `${meta.category}\u0000${meta.source}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + checked.size);
    if (this.hosts.has(text)) return;
    if (this.hosts.size >= this.maxEntries) {
      throw new TriageInputError(`${meta.where}: more than ${this.maxEntries} host entries; split the input`);
    }
    this.hosts.set(text, {
      entry: text,
      category: meta.category,
      notAlive: meta.notAlive,
      format: meta.format,
      source: meta.source,
      size: checked.size,
      ...(meta.reason !== undefined && meta.reason !== '' ? { reason: inertText(meta.reason).slice(0, 200) } : {}),
      ...(checked.v4 ? { v4: checked.v4 } : {}),
    });
  }
}
