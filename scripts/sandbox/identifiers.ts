/** A module's identifiers as the module asks for them, from the stack's outputs. */
import { SANDBOX_MODULES, type SandboxModule } from './sandbox';

/** `sandbox`: the module's sandbox, CPR's when not given. */
export function formatIdentifiers(outputs: Record<string, { value: string }>, reveal: boolean, sandbox: SandboxModule = SANDBOX_MODULES[0]): string {
  const { outputs: rows } = sandbox.module;
  const width = Math.max(...rows.map((o) => o.label.length));
  return rows
    .map(({ suffix, label, sensitive }) => {
      const value = outputs[`${sandbox.outputPrefix}_${suffix}`]?.value;
      const shown = value === undefined ? '(missing)' : sensitive && !reveal ? `${'*'.repeat(12)}  (${value.length} characters, hidden)` : value;
      return `  ${label.padEnd(width)}  ${shown}`;
    })
    .join('\n');
}
