/**
 * Registers every invoke channel with Electron's ipcMain: sender check first (only our own
 * main frame), then the service validates the payload with the channel's schema. Takes
 * ipcMain as a parameter so the rules are testable without Electron.
 */
import { fail, INVOKE_CHANNELS, type IpcResult } from '../../shared/ipc.js';
import type { Service } from '../service/index.js';
import { isTrustedSender } from './security.js';

/** The part of Electron's IpcMainInvokeEvent this bridge reads. */
export interface InvokeEventLike {
  sender: { id: number; mainFrame?: unknown };
  senderFrame?: { url: string } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, payload: unknown) => Promise<IpcResult<unknown>>): void;
  removeHandler(channel: string): void;
}

export function registerIpc(ipcMain: IpcMainLike, service: Service, ourWebContentsIds: () => ReadonlySet<number>): () => void {
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, async (event, payload) => {
      const frame = event.senderFrame ?? null;
      const trusted = isTrustedSender(
        { frameUrl: frame?.url, isMainFrame: frame !== null && frame === event.sender.mainFrame, webContentsId: event.sender.id },
        ourWebContentsIds(),
      );
      if (!trusted) return fail('forbidden', 'this window may not call ScanReady');
      return service.invoke(channel, payload);
    });
  }
  return () => {
    for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(channel);
  };
}
