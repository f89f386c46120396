/**
 * The pipe protocol between the service and the elevated probe helper ("Run privileged probes").
 *
 *   service → helper  one JSON line: HelperRequest (targets as typed, the effective profile)
 *   helper → service  NDJSON: first a HelperHello (its own pid and effective uid, whether it has
 *                     raw sockets), then the engine's DiscoveryEvents as they happen, or one
 *                     HelperError. Closing the service's side of the pipe cancels the run.
 *
 * Nothing goes through a file: the helper runs as root and must not open any path the user owns.
 * Error texts name fields and limits, never the content of the request.
 */
import { z } from 'zod';
import { profileSchema } from '../../shared/profiles.js';

/** The CLI subcommand the elevation tool starts (hidden from `--help`). */
export const HELPER_COMMAND = 'privileged-helper';
export const HELPER_PROTOCOL_VERSION = 1;
/** One request line may not exceed this. */
export const MAX_REQUEST_BYTES = 1024 * 1024;

export const helperRequestSchema = z
  .object({
    v: z.literal(HELPER_PROTOCOL_VERSION),
    entries: z.array(z.string().min(1).max(1000)).min(1).max(10_000),
    profile: profileSchema,
    force: z.boolean(),
    ratePps: z.number().int().min(1).max(100_000).optional(),
  })
  .strict();
export type HelperRequest = z.infer<typeof helperRequestSchema>;

export interface HelperHello {
  type: 'helper';
  v: number;
  pid: number;
  /** null on Windows (no uids). */
  euid: number | null;
  rawSockets: boolean;
}

export interface HelperError {
  type: 'helper-error';
  code: 'bad-input' | 'unavailable' | 'internal';
  message: string;
}

export const helperHelloSchema = z.object({
  type: z.literal('helper'),
  v: z.number().int(),
  pid: z.number().int().positive(),
  euid: z.number().int().min(0).nullable(),
  rawSockets: z.boolean(),
});

export const helperErrorSchema = z.object({
  type: z.literal('helper-error'),
  code: z.enum(['bad-input', 'unavailable', 'internal']),
  message: z.string().max(500),
});

/** Field paths of a validation error, never the values. */
export function describeRequestProblem(error: z.ZodError): string {
  const paths = [...new Set(error.issues.map((i) => (i.path.length > 0 ? i.path.map(String).join('.') : 'request')))].slice(0, 5);
  return `the request from ScanReady is not valid (${paths.join(', ')})`;
}
