/**
 * The SSH engine's quoting is the project's one shell quoter (shared/shell.ts), re-exported here so
 * the engine's modules keep their local import.
 */
export { shJoin, shQuote, shScript } from '../../shared/shell.js';
