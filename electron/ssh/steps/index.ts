/** The credential steps after login, in contract order (see AUTH_STEP_IDS). The runner loops over them. */
import { auditdStep } from './auditd.js';
import { commandsStep } from './commands.js';
import type { PostLoginStep } from './context.js';
import { elevateStep } from './elevate.js';
import { historyStep } from './history.js';
import { listeningStep } from './listening.js';
import { sessionsStep } from './sessions.js';
import { sudoRulesStep } from './sudoRules.js';
import { tmpExecStep } from './tmpExec.js';
import { uidStep } from './uid.js';

export const POST_LOGIN_STEPS: readonly PostLoginStep[] = [uidStep, elevateStep, sudoRulesStep, tmpExecStep, sessionsStep, commandsStep, listeningStep, historyStep, auditdStep];
