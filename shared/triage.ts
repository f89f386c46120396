/**
 * Results of a triage: many hosts a scanner called not alive, probed and grouped by cause, one set
 * of advice per group. Crosses the CLI (--json), and later IPC and web mode: field names are a contract.
 */
import type { Advice } from './advice.js';
import type { OpenPort, PathResult } from './diagnosis.js';
import type { HostResult, Verdict } from './discovery.js';

/**
 * The cause a group stands for:
 * - `alive`: answered the profile's probes now (the scanner's list is stale, or it used other probes);
 * - `rejected-by-host`: each host's own firewall rejects (ICMP admin-prohibited from the host);
 * - `filtered-in-path`: a router/firewall on the path rejects (ICMP unreachable from another address);
 * - `port-only`: silent to the profile, but answers on ports the port finder found;
 * - `silent`: nothing answered at all (off, wrong address, or dropped by a firewall);
 * - `inconclusive`: probes that might have answered could not be sent (no privilege).
 */
export type TriageCause = 'alive' | 'rejected-by-host' | 'filtered-in-path' | 'port-only' | 'silent' | 'inconclusive';

/** One host of a triage (CLI --json: one line each, before the groups). */
export interface TriageHost {
  type: 'host';
  groupId: string;
  address: string;
  /** The entry of the input that named it (an address, or the range it is part of). */
  target: string;
  verdict: Verdict;
  reason: string;
  /** Scanner-style method list when alive (`ICMP;TCP RST`). */
  aliveBy: string;
  /** What answered, in short (`ICMP echo`, `TCP 8443`, `admin-prohibited from 198.18.0.2`, `nothing`). */
  answered: string;
  /** Ports the port finder's check found answering on this host. */
  ports: number[];
  /** What the input said about it: its category (`dead`, `down`, …), its source and the report's reason. */
  input: { category: string; source: string; reason?: string } | null;
}

export interface TriageGroup {
  type: 'group';
  id: string;
  cause: TriageCause;
  /** The cause in plain words, e.g. "The router 198.18.0.2 rejects traffic to these hosts (ICMP 3/13)". */
  title: string;
  size: number;
  /** The addresses collapsed into the fewest CIDR blocks. */
  cidrs: string[];
  /** The same addresses as ranges (`198.18.244.1-198.18.247.254`), for reading. */
  ranges: string[];
  /** What answered, shared by every host of the group. */
  answered: string;
  /** The filtering hop or the last hop that answered the path trace, when known. */
  hop: string | null;
  /** Ports found answering (port finder, then checked on every host of the group). */
  ports: OpenPort[];
  /** One host's whole probe matrix, as evidence. */
  evidence: HostResult;
  /** The path traced for a sample of the group (the first sample), or null. */
  path: PathResult | null;
  /** Hosts whose path was traced. */
  traced: string[];
  /** One set of advice for the whole group. */
  advice: Advice[];
  notes: string[];
}

export interface TriageSummary {
  type: 'summary';
  total: number;
  probed: number;
  alive: number;
  groups: number;
  cancelled: boolean;
  privileged: boolean;
  profile: string;
  durationMs: number;
  /** Hosts the inputs listed but triage did not probe (other categories, unless --all). */
  notProbed: Record<string, number>;
}

export type TriagePhase = 'probe' | 'trace' | 'ports' | 'check';

export type TriageEvent =
  | { type: 'start'; total: number; privileged: boolean; profile: string }
  | { type: 'progress'; phase: TriagePhase; done: number; total: number; etaMs: number | null }
  | { type: 'done'; hosts: TriageHost[]; groups: TriageGroup[]; summary: TriageSummary };
