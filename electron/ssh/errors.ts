/** Every failure the SSH engine reports carries a machine-readable `code`. */
export class SshError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SshError';
    this.code = code;
  }
}

export function isSshError(e: unknown): e is SshError {
  return e instanceof SshError;
}

export function abortError(): SshError {
  return new SshError('aborted', 'the credential check was cancelled');
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError();
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
