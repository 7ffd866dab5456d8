/** The six identifiers as the CPR update module asks for them, from the stack's outputs. */
import { CPR_UPDATE_OUTPUTS } from '../../lib/constructs/cpr-update-setup';

export const OUTPUT_PREFIX = 'cpr_update';

export function formatIdentifiers(outputs: Record<string, { value: string }>, reveal: boolean): string {
  const width = Math.max(...CPR_UPDATE_OUTPUTS.map((o) => o.label.length));
  return CPR_UPDATE_OUTPUTS.map(({ suffix, label, sensitive }) => {
    const value = outputs[`${OUTPUT_PREFIX}_${suffix}`]?.value;
    const shown = value === undefined ? '(missing)' : sensitive && !reveal ? `${'*'.repeat(12)}  (${value.length} characters, hidden)` : value;
    return `  ${label.padEnd(width)}  ${shown}`;
  }).join('\n');
}
