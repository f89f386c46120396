/**
 * The advice's only door to the net layer's facts: ICMP classes (shared/icmp.ts, the one
 * classifier) and probe labels (shared/discovery.ts). The advice keeps no ICMP tables of its own.
 */
export { describeIcmp, isAdminProhibited, isNoRouteOrHost, type IcmpFamily } from '../../shared/icmp.js';
export { probeLabel } from '../../shared/discovery.js';
