/**
 * Parsing of manifest files: multi-document YAML → objects with their positions, and the
 * diagnostics a learner needs before anything reaches the API (syntax, then object shape).
 * Pure; the server runs it on every change and the browser can run it too.
 *
 * @module
 */
import { parseAllDocuments, LineCounter, isMap, isScalar, type Document, type Node } from 'yaml';
import type { DeclaredObject, Diagnostic } from '../collab/protocol';
import { lookupKind, versionsOfKind, type KindInfo, type NameRule } from './kinds';
import { validateName, invalidValue, requiredValue } from './names';
import { schemaDiagnostics } from './schema-diagnostics';
import { isRoomConfig } from '../faults/parse';
import { roomConfigDiagnostics } from '../faults/documents';

/** Bounds on what one file may make the parser do. */
export const PARSE_LIMITS = {
	/** yaml's alias expansion bound (a "billion laughs" document fails with a clear error). */
	maxAliasCount: 100,
	/** Documents per file. */
	maxDocuments: 1000
} as const;

export interface ParsedObject extends DeclaredObject {
	object: Record<string, unknown>;
	/** Offsets of the document in the file (`from` includes a leading `---`). */
	from: number;
	to: number;
	/** Offset where the object's content starts (the line `line` points at). */
	start: number;
}

export interface ParsedFile {
	path: string;
	objects: ParsedObject[];
	diagnostics: Diagnostic[];
}

/** A kind the room declares with a CustomResourceDefinition. */
export interface CustomKind extends KindInfo {}

type Diag = Omit<Diagnostic, 'path' | 'line' | 'col'>;

/** Parses one file; `customKinds` are kinds made known by CRDs anywhere in the room. */
export function parseManifestFile(path: string, text: string, customKinds: CustomKind[] = []): ParsedFile {
	const lines = new LineCounter();
	const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
	const out: ParsedFile = { path, objects: [], diagnostics: [] };
	const push = (d: Diag) => {
		const { line, col } = lines.linePos(d.from);
		out.diagnostics.push({ ...d, path, line, col });
	};
	if (!Array.isArray(docs)) {
		// parseAllDocuments returns an EmptyStream for empty input.
		return out;
	}
	if (docs.length > PARSE_LIMITS.maxDocuments) {
		push({ from: 0, to: 0, severity: 'error', source: 'yaml', message: `a file may hold at most ${PARSE_LIMITS.maxDocuments} documents` });
		return out;
	}
	docs.forEach((doc, index) => {
		for (const e of doc.errors) push({ from: e.pos[0], to: e.pos[1], severity: 'error', source: 'yaml', message: firstLine(e.message) });
		for (const w of doc.warnings) push({ from: w.pos[0], to: w.pos[1], severity: 'warning', source: 'yaml', message: firstLine(w.message) });
		if (doc.errors.length > 0) return;
		const obj = checkDocument(doc, customKinds, push);
		if (!obj) return;
		const [from, , to] = doc.range;
		// The line of the object is where its content starts, not the `---` before it.
		const start = doc.contents?.range?.[0] ?? from;
		out.objects.push({ ...obj, path, doc: index, line: lines.linePos(start).line, from, to, start });
	});
	return out;
}

function firstLine(s: string): string {
	return s.split('\n')[0];
}

function checkDocument(
	doc: Document.Parsed,
	customKinds: CustomKind[],
	push: (d: Diag) => void
): Omit<ParsedObject, 'path' | 'doc' | 'line' | 'from' | 'to' | 'start'> | undefined {
	const root = doc.contents;
	if (root === null) return undefined; // only comments, or an empty document between ---
	const at = (n: Node | null | undefined, fallback: Node = root) => {
		const r = (n ?? fallback).range ?? [0, 0, 0];
		return { from: r[0], to: r[1] };
	};
	const shape = (n: Node | null | undefined, message: string, severity: 'error' | 'warning' = 'error') =>
		push({ ...at(n), severity, source: 'shape', message });

	if (!isMap(root)) {
		shape(root, 'a manifest document must be a mapping with apiVersion, kind and metadata');
		return undefined;
	}
	let object: Record<string, unknown>;
	try {
		object = doc.toJS({ maxAliasCount: PARSE_LIMITS.maxAliasCount }) as Record<string, unknown>;
	} catch (e) {
		shape(root, (e as Error).message);
		return undefined;
	}
	const keyNode = (key: string) => root.items.find((p) => isScalar(p.key) && p.key.value === key);
	const valueNode = (key: string) => (keyNode(key)?.value as Node | undefined) ?? (keyNode(key)?.key as Node | undefined);

	const apiVersion = object.apiVersion;
	const kind = object.kind;
	let ok = true;
	if (typeof apiVersion !== 'string' || !apiVersion) {
		shape(valueNode('apiVersion'), requiredValue('apiVersion', 'apiVersion not set'));
		ok = false;
	}
	if (typeof kind !== 'string' || !kind) {
		shape(valueNode('kind'), requiredValue('kind', 'kind not set'));
		ok = false;
	}
	const metaNode = keyNode('metadata')?.value;
	const meta = object.metadata;
	if (meta === undefined || meta === null || typeof meta !== 'object' || Array.isArray(meta)) {
		shape(metaNode as Node | undefined, requiredValue('metadata', 'metadata must be a mapping with a name'));
		return undefined;
	}
	const m = meta as Record<string, unknown>;
	const metaKey = (key: string): Node | undefined => {
		if (!isMap(metaNode)) return undefined;
		const p = metaNode.items.find((i) => isScalar(i.key) && i.key.value === key);
		return (p?.value as Node | undefined) ?? (p?.key as Node | undefined);
	};
	const name = m.name;
	if (typeof name !== 'string' || !name) {
		shape(metaKey('name') ?? (metaNode as Node), requiredValue('metadata.name', 'name or generateName is required'));
		return undefined;
	}
	if (!ok) return undefined;
	// The room's own configuration (FaultSchedule): checked here, never an object of the cluster.
	if (isRoomConfig(apiVersion)) {
		for (const d of roomConfigDiagnostics(doc, object)) push({ ...d, source: 'shape' });
		return undefined;
	}
	const info = findKind(apiVersion as string, kind as string, customKinds);
	if (!info) {
		const served = versionsOfKind(kind as string);
		const hint = served.length ? ` (${kind} is served as ${served.join(', ')})` : '; ensure CRDs are installed first';
		shape(valueNode('kind'), `no matches for kind "${kind}" in version "${apiVersion}"${hint}`);
		return undefined;
	}
	for (const msg of validateName(name, info.name)) shape(metaKey('name'), invalidValue('metadata.name', name, msg));
	const namespace = m.namespace;
	if (namespace !== undefined) {
		if (typeof namespace !== 'string') shape(metaKey('namespace'), invalidValue('metadata.namespace', namespace, 'must be a string'));
		else {
			for (const msg of validateName(namespace, 'label')) shape(metaKey('namespace'), invalidValue('metadata.namespace', namespace, msg));
			if (!info.namespaced)
				shape(metaKey('namespace'), `metadata.namespace: ${info.kind} is cluster-scoped; the namespace is ignored`, 'warning');
		}
	}
	if (lookupKind(apiVersion as string, kind as string))
		for (const d of schemaDiagnostics(doc, object, apiVersion as string, kind as string)) push({ ...d, source: 'schema' });
	return {
		apiVersion: apiVersion as string,
		kind: kind as string,
		name,
		namespace: info.namespaced ? (typeof namespace === 'string' ? namespace : 'default') : undefined,
		object
	};
}

function findKind(apiVersion: string, kind: string, customKinds: CustomKind[]): KindInfo | undefined {
	return (
		lookupKind(apiVersion, kind) ??
		customKinds.find((c) => c.kind === kind && (c.group ? `${c.group}/${c.version}` : c.version) === apiVersion)
	);
}

/** Kinds declared by CustomResourceDefinition objects (one per served version). */
export function customKindsOf(objects: Array<{ kind: string; object: Record<string, unknown> }>): CustomKind[] {
	const out: CustomKind[] = [];
	for (const o of objects) {
		if (o.kind !== 'CustomResourceDefinition') continue;
		const spec = (o.object.spec ?? {}) as Record<string, any>;
		const names = (spec.names ?? {}) as Record<string, unknown>;
		if (typeof spec.group !== 'string' || typeof names.kind !== 'string' || typeof names.plural !== 'string') continue;
		const versions = Array.isArray(spec.versions) ? spec.versions : [];
		for (const v of versions) {
			if (typeof v?.name !== 'string' || v.served === false) continue;
			out.push({
				group: spec.group,
				version: v.name,
				kind: names.kind,
				resource: names.plural,
				namespaced: spec.scope !== 'Cluster',
				name: 'subdomain' satisfies NameRule
			});
		}
	}
	return out;
}
