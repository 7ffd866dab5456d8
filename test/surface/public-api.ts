/**
 * The package's public API as TypeScript sees it from lib/index.ts: every exported name (types included),
 * its kind, its members, and whether it is deprecated. Shared by the exports test and the docs test.
 */
import { join } from 'node:path';
import ts from 'typescript';

export type ExportKind = 'class' | 'function' | 'const' | 'interface' | 'type' | 'namespace';

export interface PublicName {
  readonly kind: ExportKind;
  /** Static and instance members of a class, properties of an interface or object, exports of a namespace. */
  readonly members: readonly string[];
  readonly deprecated: boolean;
}

const root = join(__dirname, '..', '..');

function kindOf(symbol: ts.Symbol): ExportKind {
  const f = symbol.flags;
  if (f & ts.SymbolFlags.Class) return 'class';
  if (f & ts.SymbolFlags.Function) return 'function';
  if (f & ts.SymbolFlags.Variable) return 'const';
  if (f & ts.SymbolFlags.Interface) return 'interface';
  if (f & ts.SymbolFlags.ValueModule || f & ts.SymbolFlags.NamespaceModule) return 'namespace';
  return 'type';
}

/** Not private or protected, and not cdktf's internal `_name` convention. */
const isPublic = (member: ts.Symbol): boolean =>
  !member.name.startsWith('_') &&
  !(member.declarations ?? []).some((d) => ts.getCombinedModifierFlags(d) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected));

/** `name` (and `namespace.name` for the members of a namespace export) → what it is. */
export function publicApi(entry = 'lib/index.ts'): ReadonlyMap<string, PublicName> {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  const program = ts.createProgram([join(root, entry)], { ...config?.options, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(join(root, entry));
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`cannot read the exports of ${entry}`);

  const names = new Map<string, PublicName>();
  const visit = (prefix: string, exported: ts.Symbol[]): void => {
    for (const alias of exported) {
      const symbol = alias.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(alias) : alias;
      const kind = kindOf(symbol);
      const name = prefix + alias.name;
      const deprecated = [alias, symbol].some((s) => s.getJsDocTags(checker).some((tag) => tag.name === 'deprecated'));
      let members: string[] = [];
      if (kind === 'namespace') {
        const inner = checker.getExportsOfModule(symbol);
        members = inner.map((s) => s.name);
        visit(`${name}.`, inner);
      } else if (kind === 'class' || kind === 'const') {
        const statics = checker.getPropertiesOfType(checker.getTypeOfSymbol(symbol));
        const instance = kind === 'class' ? checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol)) : [];
        members = [...statics, ...instance].filter(isPublic).map((s) => s.name).filter((m) => m !== 'prototype');
      } else {
        const type = checker.getDeclaredTypeOfSymbol(symbol);
        if (type.flags & ts.TypeFlags.Object) members = checker.getPropertiesOfType(type).filter(isPublic).map((s) => s.name);
      }
      names.set(name, { kind, members: [...new Set(members)].sort(), deprecated });
    }
  };
  visit('', checker.getExportsOfModule(moduleSymbol));
  return names;
}
