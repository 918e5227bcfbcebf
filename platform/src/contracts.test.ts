import { test } from 'node:test';
import assert from 'node:assert/strict';
import protobuf from 'protobufjs/light.js';
import { contractRoot, descriptorJson, LOADER_OPTIONS } from './contracts.js';
import { codecs } from './gen/codecs.js';

/** A message with every field set (repeated fields twice, nested messages to depth 3). */
function sample(type: protobuf.Type, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of type.fieldsArray) {
    f.resolve();
    let v: unknown;
    if (f.resolvedType instanceof protobuf.Type) v = depth < 3 ? sample(f.resolvedType, depth + 1) : undefined;
    else if (f.resolvedType instanceof protobuf.Enum) v = Object.keys(f.resolvedType.values).at(-1);
    else if (f.type === 'string') v = `s${f.id}`;
    else if (f.type === 'bytes') v = Buffer.from([1, 2, f.id]);
    else if (f.type === 'bool') v = true;
    else v = f.id + 1;
    if (v === undefined) continue;
    out[f.name] = f.map ? { k: v } : f.repeated ? [v, v] : v;
  }
  return out;
}

function types(ns: protobuf.NamespaceBase, out: protobuf.Type[] = []): protobuf.Type[] {
  for (const c of ns.nestedArray) {
    if (c instanceof protobuf.Type) out.push(c);
    if (c instanceof protobuf.Namespace) types(c, out);
  }
  return out;
}

test('the lazily resolved contract root encodes and decodes every type exactly as a fully resolved one', () => {
  const full = protobuf.Root.fromJSON(descriptorJson() as protobuf.INamespace);
  const lazy = contractRoot();
  const all = types(full);
  assert.ok(all.length > 100, `only ${all.length} types`);
  for (const f of all) {
    const l = lazy.lookupType(f.fullName);
    const msg = sample(f);
    const wire = Buffer.from(f.encode(f.fromObject(msg)).finish());
    assert.deepEqual(Buffer.from(l.encode(l.fromObject(msg)).finish()), wire, `${f.fullName}: encoding differs`);
    assert.deepEqual(l.toObject(l.decode(wire), LOADER_OPTIONS), f.toObject(f.decode(wire), LOADER_OPTIONS), `${f.fullName}: decoding differs`);
  }
});

test('the codecs built into the bundle are the source protobufjs generates for each type at run time', () => {
  const root = contractRoot();
  const all = types(root).filter((t) => !(protobuf as unknown as { wrappers: Record<string, unknown> }).wrappers[t.fullName]);
  const table = codecs as Record<string, (...scope: unknown[]) => Record<string, () => void>>;
  assert.equal(Object.keys(table).length, all.length, 'one entry per type');
  const gen = protobuf as unknown as Record<string, (t: protobuf.Type) => object> & { converter: Record<string, (t: protobuf.Type) => object> };
  for (const t of all) {
    for (const f of t.fieldsArray) f.resolve();
    const built = table[t.fullName]!(protobuf.Writer, protobuf.Reader, [], protobuf.util);
    const fresh = { encode: gen.encoder!(t), decode: gen.decoder!(t), fromObject: gen.converter.fromObject!(t), toObject: gen.converter.toObject!(t) };
    for (const [k, g] of Object.entries(fresh)) assert.equal(built[k]!.toString(), g.toString(), `${t.fullName}.${k} is stale: rebuild (npm run build)`);
  }
});
