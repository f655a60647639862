/**
 * The OpenAPI v2 document (`/openapi/v2`) of the built-in kinds, as JSON and as the protobuf
 * kubectl asks for (gnostic's openapi_v2.Document, `application/com.github.proto-openapi.spec.v2@v1.0+protobuf`).
 * kubectl falls back to it for client-side validation where server-side field validation cannot
 * be used (a `kind: List` file) and for apply patches when v3 cannot tell the patch strategy.
 * Vendor extensions (group-version-kind, patch strategies) are YAML strings in the protobuf form,
 * as kube-openapi writes them.
 *
 * @module
 */
import { KUBE_SCHEMA, type SchemaNode } from './schema';
import { PATCH_META } from './patch-meta';
import { OPENAPI_INFO } from './openapi-v3';

type Json = Record<string, unknown>;

/** Kinds of every definition that is a served kind (`x-kubernetes-group-version-kind`). */
function kindsByDefinition(): Map<string, Array<{ group: string; kind: string; version: string }>> {
	const out = new Map<string, Array<{ group: string; kind: string; version: string }>>();
	for (const [gvk, def] of Object.entries(KUBE_SCHEMA.kinds)) {
		const i = gvk.lastIndexOf('/');
		const apiVersion = gvk.slice(0, i);
		const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
		out.set(def, [...(out.get(def) ?? []), { group, kind: gvk.slice(i + 1), version }]);
	}
	return out;
}

/** The v2 JSON form of a schema node (`$ref`s as `#/definitions/<name>`). */
function toV2(node: SchemaNode, definition?: string): Json {
	const out: Json = {};
	for (const [k, v] of Object.entries(node)) {
		if (k === 'definition') continue;
		if (k === '$ref') out.$ref = `#/definitions/${v}`;
		else if (k === 'items' || k === 'additionalProperties') out[k] = toV2(v as SchemaNode);
		else if (k === 'properties') {
			const props: Json = {};
			for (const [name, p] of Object.entries(v as Record<string, SchemaNode>)) {
				const meta = definition ? PATCH_META[definition]?.[name] : undefined;
				props[name] = { ...toV2(p), ...(meta?.mergeKey ? { 'x-kubernetes-patch-merge-key': meta.mergeKey } : {}), ...(meta ? { 'x-kubernetes-patch-strategy': meta.strategy } : {}) };
			}
			out.properties = props;
		} else out[k] = v;
	}
	return out;
}

/** The v2 document as JSON; `extra` adds definitions already in v2 form (custom resources). */
export function openApiV2Json(extra: Json = {}): Json {
	const kinds = kindsByDefinition();
	const definitions: Json = {};
	for (const name of Object.keys(KUBE_SCHEMA.definitions).sort()) {
		const d = toV2(KUBE_SCHEMA.definitions[name], name);
		if (kinds.has(name)) d['x-kubernetes-group-version-kind'] = kinds.get(name);
		definitions[name] = d;
	}
	for (const name of Object.keys(extra).sort()) definitions[name] = extra[name];
	return { swagger: '2.0', info: OPENAPI_INFO, paths: {}, definitions };
}

// — protobuf —

class Writer {
	private parts: number[] = [];
	varint(n: number): this {
		let v = n;
		while (v > 0x7f) {
			this.parts.push((v & 0x7f) | 0x80);
			v = Math.floor(v / 128);
		}
		this.parts.push(v);
		return this;
	}
	bytes(field: number, b: Uint8Array): this {
		this.varint((field << 3) | 2).varint(b.length);
		for (const x of b) this.parts.push(x);
		return this;
	}
	string(field: number, s: string): this {
		return s ? this.bytes(field, new TextEncoder().encode(s)) : this;
	}
	message(field: number, w: Writer): this {
		return this.bytes(field, w.finish());
	}
	finish(): Uint8Array {
		return Uint8Array.from(this.parts);
	}
}

/** YAML of an extension value, the way kube-openapi stores it in `Any.yaml`. */
function yamlOf(v: unknown): string {
	if (Array.isArray(v)) return v.map((item) => `- ${Object.entries(item as Json).map(([k, x]) => `${k}: ${String(x)}`).join('\n  ')}\n`).join('');
	return `${String(v)}\n`;
}

function namedAny(name: string, value: unknown): Writer {
	return new Writer().string(1, name).message(2, new Writer().string(2, yamlOf(value)));
}

function schemaProto(s: Json): Writer {
	const w = new Writer();
	if (typeof s.$ref === 'string') w.string(1, s.$ref);
	if (typeof s.format === 'string') w.string(2, s.format);
	if (typeof s.description === 'string') w.string(4, s.description);
	for (const r of (s.required as string[] | undefined) ?? []) w.string(19, r);
	if (s.additionalProperties) w.message(21, new Writer().message(1, schemaProto(s.additionalProperties as Json)));
	if (typeof s.type === 'string') w.message(22, new Writer().string(1, s.type));
	if (s.items) w.message(23, new Writer().message(1, schemaProto(s.items as Json)));
	if (s.properties) {
		const props = new Writer();
		for (const [name, p] of Object.entries(s.properties as Json)) props.message(1, new Writer().string(1, name).message(2, schemaProto(p as Json)));
		w.message(25, props);
	}
	for (const [k, v] of Object.entries(s)) if (k.startsWith('x-')) w.message(31, namedAny(k, v));
	return w;
}

/** The v2 document as gnostic protobuf. */
export function openApiV2Proto(doc: Json = openApiV2Json()): Uint8Array {
	const info = doc.info as { title: string; version: string };
	const defs = new Writer();
	for (const [name, s] of Object.entries(doc.definitions as Json)) defs.message(1, new Writer().string(1, name).message(2, schemaProto(s as Json)));
	return new Writer()
		.string(1, '2.0')
		.message(2, new Writer().string(1, info.title).string(2, info.version))
		.message(8, new Writer())
		.message(9, defs)
		.finish();
}
