/** Debug bundles for the scanner vendor's support: one ZIP, secrets redacted. */
export {
  BUNDLE_FILES,
  BUNDLE_KIND,
  BUNDLE_SCHEMA_VERSION,
  BundleError,
  bundleContents,
  checkBundleDestination,
  MAX_BUNDLE_BYTES,
  writeBundle,
  type BundleErrorCode,
  type BundleInput,
  type BundleOptions,
  type BundleResult,
  type BundleWritten,
} from './bundle.js';
export { bundleFileName, bundleInputOf, writeBundleFromHistory, writeBundleFromStore } from './export.js';
export { importBundle, importName, type ImportedBundle } from './import.js';
export { MAX_CAPTURE_BYTES, MAX_CAPTURE_PACKETS, PacketCapture, parsePcap } from './capture.js';
export { MAX_BUNDLE_ENTRIES, MAX_BUNDLE_FILE_BYTES, MAX_ENTRY_BYTES, MAX_RATIO, MAX_TOTAL_BYTES, readBundle, safeEntryName, type ReadBundle } from './read.js';
export { isSecretKey, MIN_LITERAL_SECRET, redact, redactArgv, redactor, redactString, requestSecrets, REDACTED, REDACTED_KEY, secretForms, type RedactOptions } from './redact.js';
export { formatSummary, PROBE_CSV_HEADER, probesCsv, type BundleEnvironment } from './summary.js';
