/** Errors the service turns into `{ ok: false, error: { code, message } }`. */
import type { IpcErrorCode } from '../../shared/ipc.js';

export class ServiceError extends Error {
  constructor(
    readonly code: IpcErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export const badInput = (message: string): ServiceError => new ServiceError('bad-input', message);
