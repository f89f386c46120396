/**
 * What the triage input parsers produce: the hosts a scanner's report names, each with the
 * category the report gave it (Qualys "dead", Nmap "down", ...) and whether triage probes it.
 */

/** Formats recognised from the content (never from the file name). */
export type TriageFormat = 'qualys-summary-xml' | 'qualys-summary-json' | 'qualys-csv' | 'nmap-xml' | 'plain';

/** How the formats are named in messages and in the README. */
export const FORMAT_NAMES: Readonly<Record<TriageFormat, string>> = {
  'qualys-summary-xml': 'Qualys scan summary (XML)',
  'qualys-summary-json': 'Qualys scan summary (JSON)',
  'qualys-csv': 'Qualys scan results (CSV)',
  'nmap-xml': 'Nmap XML (-oX)',
  plain: 'plain list (addresses, ranges, CIDR, # comments)',
};

/** The one line naming every format, for "unknown format" errors. */
export const FORMAT_LIST = Object.values(FORMAT_NAMES).join('; ');

export interface InputHost {
  /** An address, range, CIDR or host name, as the report wrote it (checked by the target parser). */
  entry: string;
  /** The report's category: `dead`, `excluded`, `cancelled` (Qualys summary), `not alive` / `scanned` (Qualys CSV), `down` / `up` (Nmap), `listed` (plain). */
  category: string;
  /** Probed by default: the report says not alive (or it is a plain list). Others only with --all. */
  notAlive: boolean;
  /** The report's own reason (Nmap `reason`, e.g. `no-response`), when it gives one. */
  reason?: string;
  format: TriageFormat;
  /** The file the host came from (as given) or `argument`. */
  source: string;
  /** Addresses the entry stands for. */
  size: number;
  /** IPv4 addresses covered (first..last as numbers), for looking a probed address back up. */
  v4?: { first: number; last: number };
}

/** Bad triage input: unknown format, malformed report, limits. `code` 'bad-input' (CLI exit 2, service 400). */
export class TriageInputError extends Error {
  readonly code = 'bad-input';
  constructor(message: string) {
    super(message);
    this.name = 'TriageInputError';
  }
}

/** Limits that keep any input bounded in memory and time. */
export const TRIAGE_LIMITS = {
  /** Lines (CSV records, plain lines) read from one file before it is refused. */
  maxLines: 5_000_000,
  /** Distinct host entries kept across all inputs. */
  maxEntries: 1_048_576,
  /** Characters of one XML text node or attribute we keep (a HOST_SUMMARY list of ranges). */
  maxText: 16 * 1024 * 1024,
  /** XML elements read before the file is refused. */
  maxElements: 20_000_000,
  /** A JSON summary is parsed whole: it is only the not-scanned lists, never findings. */
  maxJsonBytes: 32 * 1024 * 1024,
  /** One CSV record. */
  maxRecordBytes: 1024 * 1024,
} as const;
