/**
 * The structural types server-side apply merges by, as kube-openapi's schemaconv derives them
 * from the OpenAPI of a kind: scalars; maps (structs with named fields, or string-keyed maps),
 * granular or atomic; lists that are atomic, sets (`x-kubernetes-list-type: set`) or
 * associative by key fields (`x-kubernetes-list-map-keys`, or the `patchMergeKey` of a
 * `patchStrategy: merge` field); and untyped values (preserve-unknown-fields), deduced from the
 * value like structured-merge-diff's deduced type.
 *
 * converge's schema file cannot carry the list and struct markers of k8s.io/api (the package it
 * is generated from drops them), so the built-in kinds' markers of v1.32 that differ from their
 * patch strategy are listed here; CRD schemas carry theirs.
 *
 * @module
 */
import type { JSONSchemaProps } from './crd/types';
import { patchMetaOf } from './patch-meta';
import { deref, schemaFor, type SchemaNode } from './schema';
import { cloneJson } from './clone-json';

type Json = unknown;
type Obj = Record<string, Json>;

/** A schema node of either source (the built-in schema file or a CRD's JSONSchemaProps). */
export type SchemaLike = JSONSchemaProps & { definition?: string };

export interface ListMeta {
	type: 'atomic' | 'set' | 'map';
	keys?: string[];
	/** Key fields' defaults (a port's `protocol` is TCP when left out). */
	defaults?: Obj;
}

const CORE = 'io.k8s.api.core.v1.';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const TCP = { protocol: 'TCP' };
const byName: ListMeta = { type: 'map', keys: ['name'] };
const byType: ListMeta = { type: 'map', keys: ['type'] };
const atomic: ListMeta = { type: 'atomic' };

/** `+listType`/`+listMapKey` markers of k8s.io/api v1.32 where they differ from the patch strategy. */
const LIST_TYPES: Record<string, Record<string, ListMeta>> = {
	[CORE + 'PodSpec']: {
		topologySpreadConstraints: { type: 'map', keys: ['topologyKey', 'whenUnsatisfiable'] },
		tolerations: atomic,
		readinessGates: atomic
	},
	[CORE + 'Container']: { ports: { type: 'map', keys: ['containerPort', 'protocol'], defaults: TCP } },
	[CORE + 'EphemeralContainer']: { ports: { type: 'map', keys: ['containerPort', 'protocol'], defaults: TCP } },
	[CORE + 'ServiceSpec']: { ports: { type: 'map', keys: ['port', 'protocol'], defaults: TCP } },
	[CORE + 'NodeSpec']: { podCIDRs: { type: 'set' }, taints: atomic },
	[CORE + 'NamespaceSpec']: { finalizers: atomic },
	[META + 'ObjectMeta']: { finalizers: { type: 'set' }, ownerReferences: { type: 'map', keys: ['uid'] }, managedFields: atomic },
	['io.k8s.api.discovery.v1.EndpointSlice']: { endpoints: atomic, ports: atomic },
	['io.k8s.api.batch.v1.JobStatus']: { conditions: atomic },
	['io.k8s.api.apps.v1.DeploymentStatus']: { conditions: byType },
	[CORE + 'ServiceAccount']: { secrets: byName }
};

/** `+structType=atomic` (`x-kubernetes-map-type: atomic`) definitions of v1.32. */
const ATOMIC_STRUCTS = new Set([
	META + 'LabelSelector',
	META + 'OwnerReference',
	CORE + 'LocalObjectReference',
	CORE + 'ObjectReference',
	CORE + 'TypedLocalObjectReference',
	CORE + 'TypedObjectReference',
	CORE + 'ConfigMapKeySelector',
	CORE + 'SecretKeySelector',
	CORE + 'ObjectFieldSelector',
	CORE + 'ResourceFieldSelector',
	CORE + 'ConfigMapEnvSource',
	CORE + 'SecretEnvSource',
	CORE + 'NodeSelector',
	CORE + 'NodeSelectorTerm',
	CORE + 'TopologySelectorTerm',
	CORE + 'SecretReference'
]);

/**
 * Struct fields that Go keeps as values rather than pointers and that are not `required` in the
 * schema: they are present (`{}`) in a kind's zero object, which decides whether a create's
 * field set marks them as members (`.`) the way kube's does.
 */
const VALUE_STRUCTS: Record<string, string[]> = {
	[CORE + 'PodTemplateSpec']: ['metadata', 'spec'],
	['io.k8s.api.batch.v1.JobTemplateSpec']: ['metadata', 'spec'],
	['io.k8s.api.apps.v1.DeploymentSpec']: ['strategy'],
	['io.k8s.api.apps.v1.DaemonSetSpec']: ['updateStrategy'],
	['io.k8s.api.apps.v1.StatefulSetSpec']: ['updateStrategy'],
	[CORE + 'ServiceStatus']: ['loadBalancer'],
	['io.k8s.api.networking.v1.IngressStatus']: ['loadBalancer'],
	[CORE + 'PersistentVolumeClaimSpec']: ['resources'],
	[CORE + 'NodeStatus']: ['daemonEndpoints', 'nodeInfo'],
	[CORE + 'DaemonEndpoints']: ['kubeletEndpoint']
};

const isObj = (v: Json): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** Resolved definitions (only their structure is read, so one resolution per definition serves all). */
const DEFINITIONS = new Map<string, SchemaLike>();
const resolveRef = (n: SchemaLike): SchemaLike => {
	if (!n.$ref) return n;
	let d = DEFINITIONS.get(n.$ref);
	if (!d) DEFINITIONS.set(n.$ref, (d = deref({ $ref: n.$ref } as SchemaNode) as SchemaLike));
	return d;
};
const BUILTIN_ROOTS = new Map<string, FieldType>();
const CRD_ROOTS = new WeakMap<SchemaLike, FieldType>();

/** One position of a kind's structure. */
export class FieldType {
	private readonly fields = new Map<string, FieldType>();
	private items?: FieldType;
	private zeroObj?: Obj;

	private constructor(
		/** undefined: untyped (deduced from the value). */
		private readonly node: SchemaLike | undefined,
		readonly list: ListMeta | undefined,
		private readonly resolve: (n: SchemaLike) => SchemaLike
	) {}

	/** The root type of a built-in kind, or of a CRD version's schema. */
	static forKind(apiVersion: string, kind: string, crdSchema?: SchemaLike): FieldType {
		if (crdSchema) {
			let t = CRD_ROOTS.get(crdSchema);
			// A custom resource's metadata is always ObjectMeta, whatever its schema says.
			const props = { ...(crdSchema.properties ?? {}), metadata: { $ref: META + 'ObjectMeta' }, apiVersion: { type: 'string' }, kind: { type: 'string' } };
			if (!t) CRD_ROOTS.set(crdSchema, (t = new FieldType({ ...crdSchema, type: 'object', properties: props }, undefined, resolveRef)));
			return t;
		}
		const key = `${apiVersion}/${kind}`;
		let t = BUILTIN_ROOTS.get(key);
		if (!t) BUILTIN_ROOTS.set(key, (t = new FieldType(schemaFor(apiVersion, kind) as SchemaLike | undefined, undefined, resolveRef)));
		return t;
	}

	static untyped(): FieldType {
		return new FieldType(undefined, undefined, (n) => n);
	}

	/** `scalar`, `map` or `list`; untyped positions answer by the value they hold. */
	shape(value: Json): 'scalar' | 'map' | 'list' {
		const n = this.node;
		if (!n || this.isUntyped()) return Array.isArray(value) ? 'list' : isObj(value) ? 'map' : 'scalar';
		if (n['x-kubernetes-int-or-string']) return 'scalar';
		if (n.type === 'array') return 'list';
		if (n.type === 'object' || n.properties || n.additionalProperties) return 'map';
		return 'scalar';
	}

	private isUntyped(): boolean {
		const n = this.node;
		if (!n) return true;
		if (n['x-kubernetes-preserve-unknown-fields'] && !n.properties && !n.additionalProperties) return true;
		return !n.type && !n.properties && !n.additionalProperties && !n.items && !n['x-kubernetes-int-or-string'];
	}

	/** Atomic maps and lists are owned and replaced as a whole. Untyped lists are atomic. */
	atomic(value: Json): boolean {
		const shape = this.shape(value);
		if (shape === 'list') return this.isUntyped() || !this.list || this.list.type === 'atomic';
		if (shape === 'map') return !this.isUntyped() && (this.node!['x-kubernetes-map-type'] === 'atomic' || ATOMIC_STRUCTS.has(this.node!.definition ?? ''));
		return false;
	}

	/** True when the map may hold `name`: a declared field, any key of a map, anything untyped. */
	declares(name: string): boolean {
		if (this.isUntyped()) return true;
		const n = this.node!;
		return !!n.properties?.[name] || !!n.additionalProperties || !!n['x-kubernetes-preserve-unknown-fields'];
	}

	/** True for a struct's declared field (not for a map key). */
	hasField(name: string): boolean {
		return !this.isUntyped() && !!this.node!.properties?.[name];
	}

	/** The type of a struct field or map value. */
	field(name: string): FieldType {
		// Declared fields are cached by name; map values and untyped children share one type.
		const key = !this.isUntyped() && this.node!.properties?.[name] ? name : '';
		let t = this.fields.get(key);
		if (!t) this.fields.set(key, (t = this.resolveField(name)));
		return t;
	}

	private resolveField(name: string): FieldType {
		if (this.isUntyped()) return FieldType.untyped();
		const n = this.node!;
		const prop = n.properties?.[name];
		if (prop) {
			const child = this.resolve(prop);
			return new FieldType(child, child.type === 'array' ? listMeta(n.definition, name, child) : undefined, this.resolve);
		}
		if (isObj(n.additionalProperties)) {
			const child = this.resolve(n.additionalProperties as SchemaLike);
			return new FieldType(child, child.type === 'array' ? listMeta(undefined, name, child) : undefined, this.resolve);
		}
		return FieldType.untyped();
	}

	/** The type of a list's items. */
	item(): FieldType {
		if (this.isUntyped() || !this.node!.items) return FieldType.untyped();
		return (this.items ??= new FieldType(this.resolve(this.node!.items), undefined, this.resolve));
	}

	/** The kind's zero object as Go serializes it: value structs as `{}`, required collections as null (a fresh copy). */
	zero(): Obj {
		this.zeroObj ??= this.buildZero();
		return cloneJson(this.zeroObj);
	}

	private buildZero(): Obj {
		const out: Obj = { metadata: { creationTimestamp: null } };
		const n = this.node;
		if (!n?.properties) return out;
		for (const f of ['spec', 'status']) if (n.properties[f]) out[f] = this.field(f).zeroStruct();
		return out;
	}

	private zeroStruct(): Obj {
		const out: Obj = {};
		const n = this.node;
		if (!n?.properties || this.isUntyped()) return out;
		const values = new Set([...(VALUE_STRUCTS[n.definition ?? ''] ?? [])]);
		for (const name of n.required ?? []) {
			const child = this.field(name);
			const shape = child.shape(undefined);
			if (shape === 'scalar') continue;
			if (shape === 'map' && child.node?.properties && !child.atomic({})) values.add(name);
			else out[name] = null;
		}
		for (const name of values) out[name] = name === 'metadata' ? { creationTimestamp: null } : this.field(name).zeroStruct();
		return out;
	}
}

/** The list type of `field` in objects of `definition`: markers, else the patch strategy, else atomic. */
function listMeta(definition: string | undefined, field: string, node: SchemaLike): ListMeta {
	const listed = definition ? LIST_TYPES[definition]?.[field] : undefined;
	if (listed) return listed;
	const lt = node['x-kubernetes-list-type'];
	if (lt === 'map') return { type: 'map', keys: node['x-kubernetes-list-map-keys'] ?? [] };
	if (lt === 'set' || lt === 'atomic') return { type: lt };
	const meta = patchMetaOf(definition, field);
	if (meta && meta.strategy.split(',').includes('merge')) return meta.mergeKey ? { type: 'map', keys: [meta.mergeKey] } : { type: 'set' };
	return atomic;
}
