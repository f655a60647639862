/**
 * OpenAPI documents of custom resources, as apiextensions' openapi builder publishes them: per
 * served version a schema named `<reversed group>.<version>.<Kind>` (`com.example.stable.v1.CronTab`)
 * from the version's structural schema, with apiVersion and kind documented, metadata a reference
 * to ObjectMeta and `x-kubernetes-group-version-kind` set; a `<Kind>List` schema; and the REST
 * paths (PATCH lists `fieldValidation`, so kubectl validates on the server). `kubectl explain`
 * reads the v3 document; the v2 definitions join `/openapi/v2`.
 *
 * @module
 */
import type { ResourceInfo } from '../resources';
import { convertNode, OPENAPI_INFO, operations, reachable, ref } from '../openapi-v3';
import { KUBE_SCHEMA } from '../schema';
import type { JSONSchemaProps } from './types';

type Json = Record<string, unknown>;

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const LIST_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';
const CRD_DEF = KUBE_SCHEMA.definitions['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition'];
const TYPE_META_DOC = {
	apiVersion: CRD_DEF?.properties?.apiVersion?.description ?? '',
	kind: CRD_DEF?.properties?.kind?.description ?? ''
};
const METADATA_DOC = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const LIST_METADATA_DOC = 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';

/**
 * apimachinery's ListMeta, which the built-in schema (kinds only) lacks but every custom List
 * refers to; kubectl's validation refuses a document with a dangling reference.
 */
const LIST_META_SCHEMA: Json = {
	description: 'ListMeta describes metadata that synthetic resources must have, including lists and various status objects. A resource may have only one of {ObjectMeta, ListMeta}.',
	type: 'object',
	properties: {
		continue: {
			description: 'continue may be set if the user set a limit on the number of items returned, and indicates that the server has more data available. The value is opaque and may be used to issue another request to the endpoint that served this list to retrieve the next set of available objects. Continuing a consistent list may not be possible if the server configuration has changed or more than a few minutes have passed. The resourceVersion field returned when using this continue value will be identical to the value in the first response, unless you have received this token from an error message.',
			type: 'string'
		},
		remainingItemCount: {
			description: 'remainingItemCount is the number of subsequent items in the list which are not included in this list response. If the list request contained label or field selectors, then the number of remaining items is unknown and the field will be left unset and omitted during serialization. If the list is complete (either because it is not chunking or because this is the last chunk), then there are no more remaining items and this field will be left unset and omitted during serialization. Servers older than v1.15 do not set this field. The intended use of the remainingItemCount is *estimating* the size of a collection. Clients should not rely on the remainingItemCount to be set or to be exact.',
			type: 'integer',
			format: 'int64'
		},
		resourceVersion: {
			description: "String that identifies the server's internal version of this object that can be used by clients to determine when objects have changed. Value must be treated as opaque by clients and passed unmodified back to the server. Populated by the system. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#concurrency-control-and-consistency",
			type: 'string'
		},
		selfLink: { description: 'Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.', type: 'string' }
	}
};

/** `com.example.stable.v1.CronTab` for stable.example.com/v1 CronTab. */
export function definitionName(r: Pick<ResourceInfo, 'group' | 'version' | 'kind'>): string {
	return `${r.group.split('.').reverse().join('.')}.${r.version}.${r.kind}`;
}

/** A CRD schema node as OpenAPI (CEL rules left out). */
function toOpenApi(s: JSONSchemaProps): Json {
	const out: Json = {};
	for (const [k, v] of Object.entries(s)) {
		if (k === 'x-kubernetes-validations') continue;
		if (k === 'properties') out.properties = Object.fromEntries(Object.entries(v as Record<string, JSONSchemaProps>).map(([n, p]) => [n, toOpenApi(p)]));
		else if ((k === 'items' || k === 'additionalProperties') && v && typeof v === 'object') out[k] = toOpenApi(v as JSONSchemaProps);
		else out[k] = v;
	}
	return out;
}

/** The kind's schema: the structural schema plus apiVersion, kind and metadata, in `refTo` form. */
function kindSchema(r: ResourceInfo, refTo: (name: string) => Json): Json {
	const s = toOpenApi(r.custom?.schema ?? { type: 'object' });
	const props = (s.properties as Json | undefined) ?? {};
	s.properties = {
		...props,
		apiVersion: { description: TYPE_META_DOC.apiVersion, type: 'string' },
		kind: { description: TYPE_META_DOC.kind, type: 'string' },
		metadata: { description: METADATA_DOC, ...refTo(OBJECT_META) }
	};
	s.type ??= 'object';
	s['x-kubernetes-group-version-kind'] = [{ group: r.group, kind: r.kind, version: r.version }];
	return s;
}

function listSchema(r: ResourceInfo, refTo: (name: string) => Json, itemRef: Json): Json {
	return {
		description: `${r.kind}List is a list of ${r.kind}`,
		type: 'object',
		required: ['items'],
		properties: {
			apiVersion: { description: TYPE_META_DOC.apiVersion, type: 'string' },
			items: { description: `List of ${r.resource}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`, type: 'array', items: itemRef },
			kind: { description: TYPE_META_DOC.kind, type: 'string' },
			metadata: { description: LIST_METADATA_DOC, ...refTo(LIST_META) }
		},
		'x-kubernetes-group-version-kind': [{ group: r.group, kind: r.listKind, version: r.version }]
	};
}

const v3Ref = (name: string): Json => ({ allOf: [ref(name)] });

/** The v3 document of one CRD group version (its resources `rs`). */
export function customOpenApiV3Doc(rs: ResourceInfo[]): Json {
	const schemas: Json = {};
	for (const name of reachable([OBJECT_META])) schemas[name] = convertNode(KUBE_SCHEMA.definitions[name], name);
	schemas[LIST_META] = LIST_META_SCHEMA;
	let paths: Json = {};
	for (const r of rs) {
		const def = definitionName(r);
		schemas[def] = kindSchema(r, v3Ref);
		schemas[`${def}List`] = listSchema(r, v3Ref, ref(def));
		paths = { ...paths, ...operations(r, def) };
	}
	return { openapi: '3.0.0', info: OPENAPI_INFO, paths, components: { schemas } };
}

/** The v2 definitions of custom resources (added to the built-in ones). */
export function customOpenApiV2Definitions(rs: ResourceInfo[]): Json {
	const v2Ref = (name: string): Json => ({ $ref: `#/definitions/${name}` });
	const out: Json = {};
	for (const r of rs) {
		if (!r.custom) continue;
		out[LIST_META] = LIST_META_SCHEMA;
		const def = definitionName(r);
		out[def] = kindSchema(r, v2Ref);
		out[`${def}List`] = listSchema(r, v2Ref, v2Ref(def));
	}
	return out;
}
