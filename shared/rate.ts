/**
 * The one default packet rate, used by every face: the CLI (`--rate` unset), the service's settings
 * (the app and web mode), the path tracer and the port finder when they open their own transport.
 * 5000 packets/s of ~60-byte probes is ~2.4 Mbit/s: gentle on a LAN, and fast enough that a /24
 * sweep is bounded by the timeouts rather than by the rate (at 1000 pps the app's sweep of 4,096
 * hosts took 144 s against the CLI's 35 s — issue 14).
 */
export const DEFAULT_RATE_PPS = 5000;
