/** Terraform names derived from construct paths, and the check for names users give. */
import { z } from 'zod';

/** `Stack/Prod/CprUpdate` → `prod_cpr_update` (the stack name is left out). */
export function snakeCase(path: string): string {
  const parts = path.split('/').slice(1);
  return (parts.length ? parts : [path])
    .join('_')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

/** A prop that becomes (the prefix of) a Terraform variable or output name. */
export const terraformName = (kind: 'variable' | 'output') =>
  z
    .string()
    .regex(/^[a-zA-Z_][a-zA-Z0-9_-]*$/, `must be a valid Terraform ${kind} name: letters, digits, _ and -, not starting with a digit`);
