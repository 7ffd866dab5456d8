/** A handler Context for calling a provider definition directly: silent log, diagnostics collected. */
import type { Context, Diagnostic } from '../../lib/providers/plugin/types';

export function context(): { ctx: Context; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const noop = () => undefined;
  return {
    diagnostics,
    ctx: {
      log: { trace: noop, debug: noop, info: noop, warn: noop, error: noop },
      signal: new AbortController().signal,
      warn: (summary, detail, attribute) => diagnostics.push({ severity: 'warning', summary, detail, attribute }),
      error: (summary, detail, attribute) => diagnostics.push({ severity: 'error', summary, detail, attribute }),
    },
  };
}
