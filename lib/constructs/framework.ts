/**
 * One copy of each framework package per app. This package's constructs join the app's construct tree, so
 * they must be built from the same copy of `constructs` and of the CDK for Terraform framework (`cdktf`, or
 * `cdktn` for the CDK Terrain build) as the app. A second copy (an old lock file that nested one under this
 * package, a monorepo with two versions, a cdktf build inside a cdktn app) otherwise fails far from its cause:
 * `scope.node._scopes is not iterable` inside constructs, or a missing method at synth. Checked before each
 * construct joins the tree; a stack passes once.
 */
import { App, TerraformStack } from 'cdktf';
import { Construct, type IConstruct } from 'constructs';
import { dirname, join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';

/** jsii classes carry their fully qualified name and package version here (`cdktf.App`, `0.21.0`). */
const RTTI = Symbol.for('jsii.rtti');

/** The package this build is, by the framework it was built for (scripts/build-cdktn.mjs builds the second). */
const PACKAGE_FOR: Record<string, string> = { cdktf: 'cdktf-workzone-cpr', cdktn: 'cdktn-workzone-cpr' };

export interface PackageCopy {
  /** `constructs`, `cdktf` or `cdktn`. */
  readonly name: string;
  readonly version: string;
  /** Its package folder, when a loaded module exports the class. */
  readonly path?: string;
}

/** Thrown at construction when the app and this package use different copies of a framework package. */
export class FrameworkMismatchError extends Error {
  constructor(
    message: string,
    readonly app: PackageCopy,
    readonly library: PackageCopy,
  ) {
    super(message);
    this.name = 'FrameworkMismatchError';
  }
}

const checkedStacks = new WeakSet<IConstruct>();

/**
 * Returns `scope` when it belongs to an app built with this package's copies of constructs and of the
 * framework; throws a FrameworkMismatchError naming both copies and the fix otherwise. Call it on the
 * scope before it reaches `super()`: the other copy's tree already breaks there.
 */
export function frameworkScope<S>(scope: S, constructType: string): S {
  if (!Construct.isConstruct(scope)) return scope; // not a construct at all: the construct's own checks say so
  if (!(scope instanceof Construct)) {
    throw mismatch(constructType, scope, copyOf(frameworkClass(scope, 'constructs.Construct')), copyOf(Construct));
  }
  const stack = scope.node.scopes.find((s) => TerraformStack.isStack(s)); // the first: stacks do not nest
  if (stack === undefined || checkedStacks.has(stack)) return scope;
  const root = stack.node.root;
  // Identity is the point here: the guards (isStack, isApp) answer alike for every copy.
  if (App.isApp(root) && !(root instanceof App)) throw mismatch(constructType, scope, copyOf(frameworkClass(root, '.App')), copyOf(App));
  if (!(stack instanceof TerraformStack)) throw mismatch(constructType, scope, copyOf(frameworkClass(stack, '.TerraformStack')), copyOf(TerraformStack));
  checkedStacks.add(stack);
  return scope;
}

function mismatch(constructType: string, scope: IConstruct, app: PackageCopy, library: PackageCopy): FrameworkMismatchError {
  const ours = PACKAGE_FOR[copyOf(App).name] ?? 'this package';
  const where = `${constructType} in '${scope.node.path}'`;
  const show = (c: PackageCopy) => `${c.name} ${c.version} (${c.path ?? 'path unknown'})`;
  if (app.name !== library.name) {
    const theirs = PACKAGE_FOR[app.name];
    return new FrameworkMismatchError(
      `${where}: the app is built with ${show(app)}, but ${ours} is built for ${library.name}. ` +
        (theirs ? `Install the build for ${app.name}: npm uninstall ${ours} && npm install ${theirs}` : `Use ${ours} in a ${library.name} app.`),
      app,
      library,
    );
  }
  return new FrameworkMismatchError(
    `${where}: two copies of ${app.name} in one app: the app uses ${show(app)}, ${ours} was loaded with ${show(library)}. ` +
      `An app needs one copy: each keeps state of its own (the framework's aspects, constructs' tree internals) that the other does not see. Keep one: \`npm ls ${app.name}\` shows where each comes from; ` +
      `\`npm dedupe\` (or delete node_modules and package-lock.json, then \`npm install\`) merges them when one version fits every ` +
      `peer range (${ours} needs the one your project depends on); in a monorepo, depend on one version of ${app.name} in every workspace.`,
    app,
    library,
  );
}

type Class = Function & { [RTTI]?: { fqn: string; version: string } };

/** The jsii class in the prototype chain of `object` whose name is `fqn`, or ends with `fqnSuffix`. */
function frameworkClass(object: object, fqnSuffix: string): Class {
  for (let proto = Object.getPrototypeOf(object); proto !== null; proto = Object.getPrototypeOf(proto)) {
    const ctor = proto.constructor as Class;
    if (Object.prototype.hasOwnProperty.call(ctor, RTTI) && ctor[RTTI]!.fqn.endsWith(fqnSuffix)) return ctor;
  }
  return object.constructor as Class;
}

/** Package name and version from the class's jsii metadata; its folder from the loaded module that exports it. */
function copyOf(ctor: Class): PackageCopy {
  const rtti = Object.prototype.hasOwnProperty.call(ctor, RTTI) ? ctor[RTTI] : undefined;
  const name = rtti?.fqn.split('.')[0] ?? '(unknown package)';
  const module = Object.values(require.cache).find((m) => {
    const exported = m?.exports as Record<string, unknown> | undefined;
    return exported !== null && typeof exported === 'object' && exported[ctor.name] === ctor;
  });
  return { name, version: rtti?.version ?? '(unknown version)', path: module ? packageDir(module.filename, name) : undefined };
}

/** The folder above `file` whose package.json names `name`. */
function packageDir(file: string, name: string): string | undefined {
  for (let dir = dirname(file); dirname(dir) !== dir; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    try {
      if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return dir;
    } catch {
      // not a package manifest we can read: keep looking upwards
    }
  }
  return undefined;
}
