/**
 * Addresses of the ScanReady test lab (see e2e/lab/README.md). Tests import these instead of
 * writing addresses by hand. The lab is brought up by e2e/lab/vitest-global-setup.ts.
 */
export const LAB = {
  /** The scanner's own address in the root namespace (srlab0). */
  scannerAddress: '198.18.0.1',
  scannerAddressV6: '2001:db8:5352::1',
  /** The router's address toward the scanner: the responder for its admin-prohibited rejects. */
  router: '198.18.0.2',
  routerV6: '2001:db8:5352::2',
  /** The router's address on the scenario-host bridge (the hosts' default gateway). */
  routerBridge: '198.18.1.1',

  /** .10 answers everything: TCP 22/80/443 listen, other ports RST, echo, DNS on UDP 53, closed UDP → 3/3. */
  open: '198.18.1.10',
  openV6: '2001:db8:5352:1::10',
  /** .11 drops everything. */
  silent: '198.18.1.11',
  /** .12 drops ICMP echo; TCP 22, 80 listen. */
  noIcmp: '198.18.1.12',
  /** .13 stateless SYN filter: drops SYN (without ACK), echo and UDP; ACK / SYN-ACK get RST. */
  synFilter: '198.18.1.13',
  /** .14 drops TCP and echo; DNS on UDP 53; closed UDP → port unreachable. */
  udpOnly: '198.18.1.14',
  /** .15 drops TCP and UDP; answers echo. */
  icmpOnly: '198.18.1.15',
  /** .16 rejects everything with ICMP 3/13 from itself. */
  prohibit: '198.18.1.16',
  /** .17 answers everything, but the router (198.18.0.2) rejects traffic to it with ICMP 3/13. */
  routerReject: '198.18.1.17',
  /** .18 answers everything, but the router drops traffic to it. */
  routerDrop: '198.18.1.18',
  /** .19 drops everything except TCP 8443 (HTTP listening). */
  offProfile: '198.18.1.19',
  /** TCP port of .19's only service. */
  offProfilePort: 8443,

  /** .20 sshd on 22 with the scan accounts; HTTP on 80. */
  ssh: '198.18.1.20',
  /** .21 sshd whose /tmp is mounted noexec. */
  sshNoExec: '198.18.1.21',
  /** .22 sshd with MaxSessions 1 and MaxStartups 1:100:1. */
  sshLimit: '198.18.1.22',
  /** .23 sshd whose host key `lab.sh rekey` regenerates. */
  sshRekey: '198.18.1.23',
  /** .24 an HTTP server on port 22. */
  notSsh: '198.18.1.24',
  /**
   * .25 sshd behind a fail2ban-like nftables ban: the 4th new connection to 22 from one source
   * within 30 s bans that source for 30 s (its SYNs get a TCP reset). Not in LAB_SCENARIOS:
   * probing it spends the budget. Reset with `nft flush set inet srlab banned` (and `conns`).
   */
  sshBan: '198.18.1.25',
  /** New connections to .25:22 allowed per source before the ban. */
  sshBanAllowed: 3,
  /**
   * .26 (Vitest) and .27 (Playwright) drop everything until a test rule lets one TCP port in
   * (`lab.sh rule add watch|watchui NAME [PORT]`, `rule del`): for watching a host turn alive.
   * Nothing listens, so an opened port answers with RST. Each test uses its own rule name.
   */
  watch: '198.18.1.26',
  watchUi: '198.18.1.27',
  /** The TCP port a watch rule opens by default. */
  watchPort: 80,

  /** Farm 198.18.2.1-254: even last octets answer like a normal host, odd ones are silent. */
  farm(n: number): string {
    if (!Number.isInteger(n) || n < 1 || n > 254) throw new RangeError(`farm host ${n} is outside 1-254`);
    return `198.18.2.${n}`;
  },
  /** Whether farm host n answers (even last octet). */
  farmAlive(n: number): boolean {
    return n % 2 === 0;
  },
  farmCidr: '198.18.2.0/24',
  farmRange: '198.18.2.1-254',

  /** Names under this zone resolve (A 198.18.1.10) at the lab DNS responders (.10, .14); others are NXDOMAIN. */
  dnsZone: 'srlab.test',
  dnsAnswer: '198.18.1.10',

  /** An ordinary local account (no sudo, no capabilities) for the unprivileged-fallback tests. */
  unprivilegedUser: 'srlab-user',
} as const;

/** Namespace of each scenario host, for tests that need `ip netns exec`. */
export const LAB_NAMESPACES = {
  router: 'srlab-rtr',
  farm: 'srlab-farm',
  open: 'srlab-open',
  silent: 'srlab-silent',
  noIcmp: 'srlab-noicmp',
  synFilter: 'srlab-synfilter',
  udpOnly: 'srlab-udponly',
  icmpOnly: 'srlab-icmponly',
  prohibit: 'srlab-prohibit',
  routerReject: 'srlab-rtrreject',
  routerDrop: 'srlab-rtrdrop',
  offProfile: 'srlab-offprofile',
  ssh: 'srlab-ssh',
  sshNoExec: 'srlab-sshnoexec',
  sshLimit: 'srlab-sshlimit',
  sshRekey: 'srlab-sshrekey',
  notSsh: 'srlab-notssh',
  sshBan: 'srlab-sshban',
  watch: 'srlab-watch',
  watchUi: 'srlab-watchui',
} as const;

/** Key of a scenario host in LAB / LAB_NAMESPACES. */
export type LabHostKey = Exclude<keyof typeof LAB_NAMESPACES, 'router' | 'farm' | 'sshBan' | 'watch' | 'watchUi'>;

/** The scenario hosts in address order, for table-driven tests. */
export const LAB_SCENARIOS: readonly { key: LabHostKey; address: string; namespace: string }[] = (
  [
    'open', 'silent', 'noIcmp', 'synFilter', 'udpOnly', 'icmpOnly', 'prohibit', 'routerReject', 'routerDrop',
    'offProfile', 'ssh', 'sshNoExec', 'sshLimit', 'sshRekey', 'notSsh',
  ] as const
).map((key) => ({ key, address: LAB[key], namespace: LAB_NAMESPACES[key] }));

/**
 * The triage farm (e2e/lab/lab.sh farm20_up): 4,096 addresses in srlab-farm, behaviours by
 * sub-range. `cause` is what triage must conclude for every address of the range.
 */
export const FARM20 = {
  cidr: '198.18.240.0/20',
  layout: [
    { cidr: '198.18.240.0/22', behaviour: 'normal', alive: true, cause: 'alive' },
    { cidr: '198.18.244.0/22', behaviour: 'silent', alive: false, cause: 'silent' },
    { cidr: '198.18.248.0/23', behaviour: 'icmp-only', alive: true, cause: 'alive-icmp-only' },
    { cidr: '198.18.250.0/23', behaviour: 'one-port-only (TCP 8443)', alive: false, cause: 'port-only' },
    { cidr: '198.18.252.0/23', behaviour: 'rejected by the host (ICMP 3/13)', alive: false, cause: 'rejected-by-host' },
    { cidr: '198.18.254.0/23', behaviour: 'rejected by the router (ICMP 3/13 from 198.18.0.2)', alive: false, cause: 'filtered-in-path' },
  ],
  routerAddress: '198.18.0.2',
  openPort: 8443,
} as const;
