/** Diagnostics: the runtime's Diagnostic ⇄ tfplugin6.Diagnostic, and thrown errors → diagnostics. */
import type { MessageInit } from './protobuf/codec';
import { Diagnostic_Severity, type AttributePath as WireAttributePath, type Diagnostic as WireDiagnostic } from './protobuf/messages';
import type { Secrets } from './secrets';
import { DiagnosticError, type AttributePath, type Diagnostic } from './types';
import { ValueError } from './values';

const SEVERITY = { error: Diagnostic_Severity.ERROR, warning: Diagnostic_Severity.WARNING } as const;

export function attributePathToWire(path: AttributePath): MessageInit<WireAttributePath> {
  return { steps: path.map((step) => (typeof step === 'number' ? { element_key_int: step } : { attribute_name: step })) };
}

/** Converts to the wire form, scrubbing secrets out of the text as a last line of defence. */
export function toWireDiagnostic(diagnostic: Diagnostic, secrets?: Secrets): MessageInit<WireDiagnostic> {
  const scrub = (text: string) => (secrets ? secrets.scrub(text) : text);
  return {
    severity: SEVERITY[diagnostic.severity],
    summary: scrub(diagnostic.summary),
    ...(diagnostic.detail ? { detail: scrub(diagnostic.detail) } : {}),
    ...(diagnostic.attribute && diagnostic.attribute.length ? { attribute: attributePathToWire(diagnostic.attribute) } : {}),
  };
}

/**
 * A thrown error as a diagnostic. DiagnosticError keeps its summary, detail and path; ValueError (bad
 * value from terraform or a handler) names the path; anything else gives its message only, never a stack.
 */
export function errorToDiagnostic(error: unknown, what: string): Diagnostic {
  if (error instanceof DiagnosticError) {
    return { severity: 'error', summary: error.summary, detail: error.detail, attribute: error.attribute };
  }
  if (error instanceof ValueError) {
    return { severity: 'error', summary: `Invalid value in ${what}`, detail: error.message, attribute: error.path };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { severity: 'error', summary: `${what} failed`, detail: message || 'unexpected error without a message' };
}
