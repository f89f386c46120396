/**
 * Steps `elevate` and `uid-elevated`: root delegation the way the scanner does it (sudo su -,
 * sudo, su, pbrun, dzdo, doas, custom), detected with our own prompt and a random marker
 * (../elevate.ts), with the requiretty retry on a PTY and the literal interactive `sudo su -`.
 */
import type { DelegationMethod, ElevateData, RanStep } from '../../../shared/auth.js';
import { become, ELEVATE_EXPLANATIONS, explainElevateFailure, methodNeedsPty, type BecomeConfig, type BecomeOutcome } from '../elevate.js';
import { clip } from '../text.js';
import type { PostLoginStep, StepContext } from './context.js';

export function delegationLabel(method: DelegationMethod, template: string | undefined): string {
  switch (method) {
    case 'sudo-su':
      return 'sudo su -';
    case 'custom':
      return `custom (${clip(template ?? '', 100)})`;
    default:
      return method;
  }
}

/** How delegation went: the first attempt, the final one (after a PTY or interactive retry). */
export interface ElevateAttempts {
  method: DelegationMethod;
  label: string;
  first: BecomeOutcome;
  final: BecomeOutcome;
  /** The first attempt wanted a terminal and was retried on a PTY. */
  requiretty: boolean;
  /** sudo allowed only the literal `su -`, typed into the root shell. */
  interactiveForm: boolean;
}

export function elevateData(a: ElevateAttempts): ElevateData {
  const { final, first } = a;
  return {
    method: a.method,
    command: a.label,
    pty: final.pty,
    promptSeen: final.promptSeen,
    passwordSent: final.passwordSent,
    markerSeen: final.markerSeen,
    exitCode: final.exitCode,
    evidence: final.evidence,
    ...(a.requiretty ? { requiretty: true, retriedWithPty: true, ptyResult: final.ok ? 'root' : (final.reason ?? 'not-root') } : {}),
    ...(a.requiretty && first.visiblepw ? { visiblepw: true, firstEvidence: first.evidence } : {}),
    ...(a.interactiveForm ? { form: 'interactive', note: 'sudo allows only the literal "su -": commands were typed into the root shell, as the scanner does' } : {}),
  };
}

/** The `elevate` and `uid-elevated` results of a delegation attempt. */
export function elevateResults(a: ElevateAttempts): [RanStep<'elevate'>, RanStep<'uid-elevated'>] {
  const { first, final, label, method } = a;
  const data = elevateData(a);
  let elevate: RanStep<'elevate'>;
  if (a.requiretty) {
    elevate = {
      id: 'elevate',
      ok: false,
      ms: first.ms + final.ms,
      reason: 'requiretty',
      summary: first.visiblepw
        ? final.ok
          ? `${label}: sudo would not read the password without a terminal (Defaults !visiblepw) — failed without one, worked on a PTY`
          : `${label}: sudo would not read the password without a terminal (Defaults !visiblepw), and on a PTY it still failed (${final.reason ?? 'unknown'})`
        : final.ok
          ? `${label}: sudo requires a TTY (Defaults requiretty) — failed without one, worked on a PTY`
          : `${label}: sudo requires a TTY (Defaults requiretty), and on a PTY it still failed (${final.reason ?? 'unknown'})`,
      explanation: explainElevateFailure(method, 'requiretty', first.visiblepw) + (final.ok ? '' : ` On a PTY: ${explainElevateFailure(method, final.reason ?? 'not-root')}`),
      data,
    };
  } else if (final.ok) {
    elevate = { id: 'elevate', ok: true, ms: final.ms, summary: `${label} gave a root shell${final.passwordSent ? ' (password prompt answered)' : ''}`, data };
  } else {
    const reason = final.reason ?? 'not-root';
    elevate = {
      id: 'elevate',
      ok: false,
      ms: final.ms,
      reason,
      summary: `${label} failed: ${reason}${final.evidence ? ` — "${clip(final.evidence.split('\n').filter(Boolean).slice(-2).join(' '), 200)}"` : ''}`,
      explanation: explainElevateFailure(method, reason, final.visiblepw),
      data,
    };
  }
  const uid = final.markerSeen ? final.uid : null;
  const uidElevated: RanStep<'uid-elevated'> = {
    id: 'uid-elevated',
    ok: uid === 0,
    ms: 0,
    ...(uid !== 0 ? { reason: 'not-root' } : {}),
    summary: uid === 0 ? 'effective UID 0 after delegation' : uid !== null ? `effective UID ${uid} after delegation: not root` : `no root shell: delegation failed (${final.reason ?? 'unknown'})`,
    ...(uid !== 0 ? { explanation: 'Without UID 0 the scan runs with insufficient privileges (the scanner reports "Passed*"): checks that need root give false negatives.' } : {}),
    data: { uid },
  };
  return [elevate, uidElevated];
}

/** Method `none`: no delegation; root only when the login is root. */
export function noDelegationResults(loginUid: number | null): [RanStep<'elevate'>, RanStep<'uid-elevated'>] {
  return [
    { id: 'elevate', ok: null, ms: 0, summary: 'no root delegation configured (method none)', data: { method: 'none' } },
    {
      id: 'uid-elevated',
      ok: loginUid === 0,
      ms: 0,
      ...(loginUid !== 0 ? { reason: 'not-root' } : {}),
      summary: loginUid === 0 ? 'logged in as root: no delegation needed' : `still UID ${loginUid ?? '?'}: without delegation the scan runs with insufficient privileges`,
      ...(loginUid !== 0 ? { explanation: ELEVATE_EXPLANATIONS['not-root'] } : {}),
      data: { uid: loginUid },
    },
  ];
}

export const elevateStep: PostLoginStep = {
  id: 'elevate',
  async run(ctx: StepContext) {
    const { req, conn, signal, state } = ctx;
    const method = req.delegation;
    if (method === 'none') {
      for (const s of noDelegationResults(state.loginUid)) ctx.emit(s);
      return;
    }
    const T = req.timeoutMs;
    const password = method === 'su' ? req.delegationPassword : (req.delegationPassword ?? req.password);
    const cfg: BecomeConfig = {
      method,
      pty: methodNeedsPty(method),
      ...(password !== undefined ? { password } : {}),
      ...(req.delegationCommand !== undefined ? { template: req.delegationCommand } : {}),
    };
    const first = await become(conn, cfg, ':', { timeoutMs: T, signal });
    let final: BecomeOutcome = first;
    let requiretty = false;
    if (first.reason === 'requiretty' && !cfg.pty) {
      requiretty = true;
      const ptyCfg = { ...cfg, pty: true };
      final = await become(conn, ptyCfg, ':', { timeoutMs: T, signal });
      if (final.ok) state.rootCfg = ptyCfg;
    } else if (first.ok) {
      state.rootCfg = cfg;
    }
    let interactiveForm = false;
    if (!final.ok && final.reason === 'command-not-allowed' && method === 'sudo-su' && !final.pty) {
      // Rules may allow exactly `su -` (what the scanner runs): try the literal, interactive form.
      const iCfg = { ...cfg, interactive: true };
      const again = await become(conn, iCfg, ':', { timeoutMs: T, signal });
      if (again.ok) {
        final = again;
        interactiveForm = true;
        state.rootCfg = iCfg;
      } else if (again.reason === 'command-not-allowed') {
        final = again; // its evidence names the literal "su -" the scanner runs
      }
    }
    const label = delegationLabel(method, req.delegationCommand);
    for (const s of elevateResults({ method, label, first, final, requiretty, interactiveForm })) ctx.emit(s);
  },
};
