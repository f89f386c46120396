/** The caps a bundle is read back with (stated in every bundle's README.txt). */
export const MAX_BUNDLE_FILE_BYTES = 100 * 1024 * 1024;
export const MAX_BUNDLE_ENTRIES = 64;
export const MAX_ENTRY_BYTES = 64 * 1024 * 1024;
export const MAX_TOTAL_BYTES = 128 * 1024 * 1024;
/** Inflated / compressed, for entries over 1 MiB: real bundles (JSON, text, pcap) stay far below. */
export const MAX_RATIO = 100;
