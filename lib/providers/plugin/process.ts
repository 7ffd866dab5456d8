/** Process plumbing shared by the provider's two ways of running: started by terraform, and long-lived. */
import type { HclogLogger } from './log';

/** A provider process must not die of a stray error mid-apply (state would be lost): log it and go on. */
export function logUncaught(log: HclogLogger): void {
  process.on('uncaughtException', (error) => log.error('uncaught exception', { error: error.message }));
  process.on('unhandledRejection', (reason) => log.error('unhandled rejection', { error: reason instanceof Error ? reason.message : String(reason) }));
}

/** Calls `onGone` once the process that started this one has exited (we were re-parented). */
export function watchParent(onGone: () => void): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) onGone();
  }, 1000).unref();
}
