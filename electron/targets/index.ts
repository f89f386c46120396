export { entriesOfLine, checkTargetEntry, parseIPv4, formatIPv4, parseIPv6, formatIPv6, parseTargets, planTargets, readTargetsFile, TargetError, MAX_TARGETS_UNFORCED, MAX_TARGETS_FORCED } from './parse.js';
export type { ResolvedTarget, ParseOptions, TargetPlan } from './parse.js';
