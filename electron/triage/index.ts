/**
 * Triage — the public face of electron/triage: read the scanner's output (parse/), probe and group
 * the hosts (engine.ts), addresses collapsed to CIDR blocks (cidr.ts).
 */
export { runTriage, answeredOf, spread, type TriageOptions, type TriageResult } from './engine.js';
export { collapse, runToCidrs } from './cidr.js';
export { readTriageInputs, TriageInputError, FORMAT_LIST, FORMAT_NAMES, type InputHost, type TriageInput, type TriageFormat } from './parse/index.js';
export { inputLookup } from './lookup.js';
