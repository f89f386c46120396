/**
 * Prints why tests were skipped, grouped by project and reason, so a skipped Electron project
 * (no Electron binary here) shows up as skipped *with its reason* in every run's output.
 */
import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';

export default class SkipReasonReporter implements Reporter {
  private readonly reasons = new Map<string, number>();

  onTestEnd(test: TestCase, result: TestResult): void {
    if (result.status !== 'skipped') return;
    const project = test.parent.project()?.name ?? '?';
    const annotations = [...result.annotations, ...test.annotations];
    const reason = annotations.find((a) => a.type === 'skip' || a.type === 'fixme')?.description ?? 'no reason given';
    const key = `[${project}] ${reason}`;
    this.reasons.set(key, (this.reasons.get(key) ?? 0) + 1);
  }

  onEnd(_result: FullResult): void {
    if (this.reasons.size === 0) return;
    console.log('\nSkipped tests:');
    for (const [key, n] of this.reasons) console.log(`  ${n} × ${key}`);
  }

  printsToStdio(): boolean {
    return true;
  }
}
