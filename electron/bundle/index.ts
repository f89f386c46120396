/** Debug bundles for the scanner vendor's support: one ZIP, secrets redacted. */
export { BUNDLE_FILES, BundleError, bundleContents, checkBundleDestination, MAX_BUNDLE_BYTES, writeBundle, type BundleErrorCode, type BundleInput, type BundleOptions, type BundleWritten } from './bundle.js';
export { isSecretKey, MIN_LITERAL_SECRET, redact, redactArgv, redactString, REDACTED, REDACTED_KEY, type RedactOptions } from './redact.js';
export { formatSummary, PROBE_CSV_HEADER, probesCsv, type BundleEnvironment } from './summary.js';
