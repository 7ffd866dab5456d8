/**
 * Generates the plugin runtime's protocol module (lib/providers/plugin/protobuf/messages.ts) from the
 * project's .proto files (proto/*.proto, the one source): the descriptor table the codec runs on, a
 * TypeScript interface per message and enum, and the services with each RPC's request and response
 * types. `npm run generate` writes it; test/bindings/generated.test.ts fails while it is stale.
 *
 * protobufjs parses the .proto files here, at generation time only: the providers load the generated
 * table, never a .proto (docs/decisions/0001-hand-written-plugin-runtime.md).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as protobuf from 'protobufjs';
import type { FieldDescriptor, ScalarType } from '../../lib/providers/plugin/protobuf/descriptor';

export const PROTO_DIR = 'proto';
export const PROTOCOL_MODULE = 'lib/providers/plugin/protobuf/messages.ts';

/** The proto scalar types our codec (lib/providers/plugin/protobuf/codec.ts) encodes. */
const SCALARS: Readonly<Record<string, Exclude<ScalarType, 'enum'>>> = { string: 'string', bytes: 'bytes', bool: 'bool', int32: 'int32', int64: 'int64' };
const TS_SCALAR: Readonly<Record<ScalarType, string>> = { string: 'string', bytes: 'Uint8Array', bool: 'boolean', int32: 'number', int64: 'number', enum: 'number' };

/** Parses the .proto files (name → text) into one resolved root; errors name the file and line. */
export function parseProtos(files: readonly { name: string; text: string }[]): protobuf.Root {
  const root = new protobuf.Root();
  for (const { name, text } of files) {
    try {
      protobuf.parse(text, root, { keepCase: true, alternateCommentMode: true });
    } catch (error) {
      throw new Error(`${name}: ${(error as Error).message}`);
    }
  }
  root.resolveAll();
  return root;
}

/** `tfplugin6.PlanResourceChange.Request` → `PlanResourceChange_Request` (package dropped, nesting joined). */
function tsName(type: protobuf.ReflectionObject, packages: ReadonlySet<string>): string {
  const parts: string[] = [];
  for (let o: protobuf.ReflectionObject | null = type; o && !(o instanceof protobuf.Root); o = o.parent) {
    if (o instanceof protobuf.Namespace && !(o instanceof protobuf.Type) && packages.has(o.fullName)) break;
    parts.unshift(o.name);
  }
  return parts.join('_');
}

const fullName = (o: protobuf.ReflectionObject) => o.fullName.replace(/^\./, '');

function walk(ns: protobuf.NamespaceBase, visit: (o: protobuf.ReflectionObject) => void): void {
  for (const o of ns.nestedArray) {
    visit(o);
    if (o instanceof protobuf.Namespace || o instanceof protobuf.Type) walk(o as protobuf.NamespaceBase, visit);
  }
}

/** A message that only groups nested messages (`message GetMetadata { message Request {} ... }`) is never sent. */
const isNamespaceOnly = (t: protobuf.Type) => t.fieldsArray.length === 0 && t.nestedArray.some((n) => n instanceof protobuf.Type);

function doc(comment: string | null | undefined, indent = '', title?: string): string {
  const lines = [...(title ? [title] : []), ...(comment ? comment.trim().split('\n') : [])];
  if (lines.length === 0) return '';
  return lines.length === 1 ? `${indent}/** ${lines[0]} */\n` : `${indent}/**\n${lines.map((l) => `${indent} * ${l}`.trimEnd()).join('\n')}\n${indent} */\n`;
}

function descriptorOf(field: protobuf.Field, where: string): FieldDescriptor {
  const base = { number: field.id, name: field.name };
  if (field instanceof protobuf.MapField) {
    if (field.keyType !== 'string') throw new Error(`${where}: map keys must be strings (got ${field.keyType}); the codec supports map<string, V> only`);
    const value = field.resolvedType ? { message: fullName(field.resolvedType) } : SCALARS[field.type];
    if (!value || field.resolvedType instanceof protobuf.Enum) throw new Error(`${where}: map values must be a message, string, bytes, bool, int32 or int64 (got ${field.type})`);
    return { ...base, type: 'map', value };
  }
  const repeated = field.repeated ? { repeated: true } : {};
  if (field.resolvedType instanceof protobuf.Type) return { ...base, type: 'message', message: fullName(field.resolvedType), ...repeated };
  if (field.resolvedType instanceof protobuf.Enum) return { ...base, type: 'enum', ...repeated };
  const scalar = SCALARS[field.type];
  if (!scalar) throw new Error(`${where}: type ${field.type} is not supported by the codec (string, bytes, bool, int32, int64, enums, messages, map<string, V>)`);
  return { ...base, type: scalar, ...repeated };
}

/** `{ number: 1, name: 'json', type: 'bytes' }`: a descriptor as TypeScript source. */
function literal(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value !== 'object' || value === null) return String(value);
  return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${literal(v)}`).join(', ')} }`;
}

function tsType(field: protobuf.Field, packages: ReadonlySet<string>): { type: string; required: boolean } {
  const element = (type: string, resolved: protobuf.ReflectionObject | null) => (resolved ? tsName(resolved, packages) : TS_SCALAR[SCALARS[type]!]);
  if (field instanceof protobuf.MapField) return { type: `{ [key: string]: ${element(field.type, field.resolvedType)} }`, required: true };
  const type = element(field.type, field.resolvedType);
  return field.repeated ? { type: `${type}[]`, required: true } : { type, required: false };
}

/** The generated module's text. */
export function generateProtocol(files: readonly { name: string; text: string }[]): string {
  const root = parseProtos(files);
  const packages = new Set<string>();
  const messages: protobuf.Type[] = [];
  const enums: protobuf.Enum[] = [];
  const services: protobuf.Service[] = [];
  walk(root, (o) => {
    if (o instanceof protobuf.Type) messages.push(o);
    else if (o instanceof protobuf.Enum) enums.push(o);
    else if (o instanceof protobuf.Service) services.push(o);
    else if (o instanceof protobuf.Namespace) packages.add(o.fullName);
  });
  const sent = messages.filter((t) => !isNamespaceOnly(t));
  const names = new Map<string, string>();
  for (const o of [...sent, ...enums, ...services]) {
    const name = tsName(o, packages) + (o instanceof protobuf.Service ? 'Rpcs' : '');
    if (names.has(name)) throw new Error(`${fullName(o)} and ${names.get(name)} would both be named ${name} in TypeScript: rename one`);
    names.set(name, fullName(o));
  }

  const out: string[] = [];
  out.push(
    `/**
 * Generated by \`npm run generate\` (scripts/codegen/protocol.ts) from ${files.map((f) => `${PROTO_DIR}/${f.name}`).join(', ')}.
 * Do not edit: change the .proto and generate again (test/bindings/generated.test.ts fails while this is stale).
 *
 * The interfaces are messages as the codec decodes them (absent scalars and messages undefined, repeated
 * fields [], maps {}); code builds them as MessageInit<...> (every field optional).
 */
import type { DescriptorTable } from './descriptor';
`,
  );
  for (const e of enums) {
    const name = tsName(e, packages);
    out.push(`${doc(e.comment, '', fullName(e))}export const ${name} = { ${Object.entries(e.values).map(([k, v]) => `${k}: ${v}`).join(', ')} } as const;`);
    out.push(`export type ${name} = (typeof ${name})[keyof typeof ${name}];\n`);
  }
  for (const t of sent) {
    const fields = [...t.fieldsArray].sort((a, b) => a.id - b.id);
    const body = fields.map((f) => {
      const { type, required } = tsType(f, packages);
      return `${doc(f.comment, '  ')}  ${f.name}${required ? '' : '?'}: ${type};\n`;
    });
    out.push(`${doc(t.comment, '', fullName(t))}export interface ${tsName(t, packages)} {${body.length ? `\n${body.join('')}` : ''}}\n`);
  }

  out.push('/** Descriptor table for the codec: fields in number order, as they are encoded. */');
  out.push('export const messages: DescriptorTable = {');
  for (const t of sent) {
    const fields = [...t.fieldsArray].sort((a, b) => a.id - b.id).map((f) => descriptorOf(f, `${fullName(t)}.${f.name}`));
    if (fields.length === 0) out.push(`  '${fullName(t)}': [],`);
    else out.push(`  '${fullName(t)}': [\n${fields.map((f) => `    ${literal(f)},`).join('\n')}\n  ],`);
  }
  out.push('};\n');

  for (const s of services) {
    out.push(`/** service ${fullName(s)}: each RPC's request and response message. */`);
    out.push(`export interface ${tsName(s, packages)}Rpcs {`);
    for (const m of s.methodsArray) {
      if (m.requestStream || m.responseStream) throw new Error(`${fullName(s)}.${m.name}: streaming RPCs are not supported by the runtime (unary only)`);
      out.push(`  ${m.name}: { request: ${tsName(m.resolvedRequestType!, packages)}; response: ${tsName(m.resolvedResponseType!, packages)} };`);
    }
    out.push('}\n');
  }
  out.push('/** Every service by its full name. */');
  out.push('export interface Services {');
  for (const s of services) out.push(`  '${fullName(s)}': ${tsName(s, packages)}Rpcs;`);
  out.push('}\n');
  out.push('/** Each service\'s RPC names, in declaration order. */');
  out.push('export const rpcNames = {');
  for (const s of services) out.push(`  '${fullName(s)}': [${s.methodsArray.map((m) => `'${m.name}'`).join(', ')}],`);
  out.push('} as const satisfies { readonly [S in keyof Services]: readonly (keyof Services[S])[] };\n');
  out.push('/** Request and response message of each RPC, keyed by gRPC path (`/<service>/<method>`). */');
  out.push('export const methods: { readonly [path: string]: { readonly request: string; readonly response: string } } = {');
  for (const s of services) {
    for (const m of s.methodsArray) {
      out.push(`  '/${fullName(s)}/${m.name}': { request: '${fullName(m.resolvedRequestType!)}', response: '${fullName(m.resolvedResponseType!)}' },`);
    }
  }
  out.push('};');
  return out.join('\n') + '\n';
}

/** The .proto files of the project, by name, in name order. */
export function readProtos(root: string): { name: string; text: string }[] {
  return readdirSync(join(root, PROTO_DIR))
    .filter((f) => f.endsWith('.proto'))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(root, PROTO_DIR, name), 'utf8') }));
}
