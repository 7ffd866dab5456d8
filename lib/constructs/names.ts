/** Terraform names derived from construct paths, and the check for names users give. */
import type { IConstruct } from 'constructs';
import { z } from 'zod';
import { PropsValidationError } from './validation';

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

const TERRAFORM_NAME = /^[a-zA-Z_][a-zA-Z0-9_-]*$/;
const nameMessage = (kind: 'variable' | 'output') => `must be a valid Terraform ${kind} name: letters, digits, _ and -, not starting with a digit`;

/** A prop that becomes (the prefix of) a Terraform variable or output name. */
export const terraformName = (kind: 'variable' | 'output') => z.string().regex(TERRAFORM_NAME, nameMessage(kind));

/** The same check for names made in code (such as defaults derived from a construct path): a message, or undefined. */
export const terraformNameProblem = (kind: 'variable' | 'output', name: string): string | undefined =>
  TERRAFORM_NAME.test(name) ? undefined : nameMessage(kind);

/**
 * The construct path in snake case, refused when it is no valid Terraform name (an id such as "1st"):
 * terraform would reject the outputs or variables far from their cause.
 */
export function defaultPrefix(scope: IConstruct, constructType: string, prop: string, kind: 'variable' | 'output'): string {
  const prefix = snakeCase(scope.node.path);
  const problem = terraformNameProblem(kind, prefix);
  if (problem === undefined) return prefix;
  throw new PropsValidationError(scope.node.path, constructType, [
    { prop, value: '(not set)', message: `the default, ${JSON.stringify(prefix)} made from the construct path, ${problem}; set ${prop}` },
  ]);
}
