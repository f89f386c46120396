/** What a bundle's result.json holds: its own file so the writer, the report and the reader share it without an import circle. */
import type { AuthResult } from '../../shared/auth.js';
import type { DiagnosisResult } from '../../shared/diagnosis.js';
import type { HostResult } from '../../shared/discovery.js';

export const BUNDLE_KIND = 'scanready-debug-bundle';
/** result.json's schema: readers refuse a bundle with a larger number. 1: `version: 1` bundles before schemaVersion. */
export const BUNDLE_SCHEMA_VERSION = 2;

/** result.json of a bundle. */
export interface BundleResult {
  kind: typeof BUNDLE_KIND;
  schemaVersion: number;
  createdAt: string;
  source?: string;
  diagnoses: DiagnosisResult[];
  discoveries: HostResult[];
  auth: AuthResult[];
}
