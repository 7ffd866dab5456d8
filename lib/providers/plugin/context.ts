/** The per-request Context handed to handlers: logger, stop signal and diagnostics collector. */
import type { HclogLogger } from './log';
import type { AttributePath, Context, Diagnostic } from './types';

export function createContext(log: HclogLogger, signal: AbortSignal): { ctx: Context; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const ctx: Context = {
    log,
    signal,
    warn: (summary: string, detail?: string, attribute?: AttributePath) => diagnostics.push({ severity: 'warning', summary, detail, attribute }),
    error: (summary: string, detail?: string, attribute?: AttributePath) => diagnostics.push({ severity: 'error', summary, detail, attribute }),
  };
  return { ctx, diagnostics };
}
