/**
 * OpenAPI v3 documents of the served group versions, built from the schema file: what kubectl
 * 1.32 reads for `kubectl explain`, for computing apply patches (the `x-kubernetes-patch-*`
 * extensions of the built-in types) and to learn that the server validates fields itself (each
 * PATCH operation lists the `fieldValidation` query parameter).
 *
 * Layout as kube-apiserver serves it: `/openapi/v3` lists `{"paths": {"apis/apps/v1":
 * {"serverRelativeURL": "/openapi/v3/apis/apps/v1?hash=..."}}}`; each group version's document
 * has `components.schemas` (kinds carry `x-kubernetes-group-version-kind`, `$ref`s are
 * `#/components/schemas/<name>` wrapped in `allOf` on properties) and `paths`.
 *
 * @module
 */
import { apiVersionOf } from './kinds';
import { BUILTIN_SET, type ResourceInfo, type ResourceSet } from './resources';
import { KUBE_SCHEMA, type SchemaNode } from './schema';
import { PATCH_META } from './patch-meta';

type Json = Record<string, unknown>;

export const OPENAPI_INFO = { title: 'Kubernetes', version: 'v1.32.0' };

/** `api/v1`, `apis/apps/v1`, ... */
export function openApiV3Paths(set: ResourceSet = BUILTIN_SET): string[] {
	return set.groupVersions().map((g) => (g.group ? `apis/${g.group}/${g.version}` : `api/${g.version}`));
}

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** A schema position that refers to a definition: `allOf` + `default: {}` like kube's documents. */
function refHolder(node: SchemaNode, extra: Json = {}): Json {
	const out: Json = { ...extra };
	if (node.description) out.description = node.description;
	out.allOf = [ref(node.$ref!)];
	return out;
}

export function convertNode(node: SchemaNode, definition?: string): Json {
	if (node.$ref) return refHolder(node);
	const out: Json = {};
	for (const [k, v] of Object.entries(node)) {
		if (k === 'definition') continue;
		if (k === 'properties') {
			const props: Json = {};
			for (const [name, p] of Object.entries(v as Record<string, SchemaNode>)) {
				const meta = definition ? PATCH_META[definition]?.[name] : undefined;
				const ext: Json = {};
				if (meta) {
					if (meta.mergeKey) ext['x-kubernetes-patch-merge-key'] = meta.mergeKey;
					ext['x-kubernetes-patch-strategy'] = meta.strategy;
				}
				props[name] = { ...convertNode(p), ...ext };
			}
			out.properties = props;
		} else if (k === 'items' || k === 'additionalProperties') {
			const child = v as SchemaNode;
			out[k] = child.$ref ? { default: {}, allOf: [ref(child.$ref)] } : convertNode(child);
		} else out[k] = v;
	}
	return out;
}

/** Every definition reachable from `roots`. */
export function reachable(roots: string[]): string[] {
	const seen = new Set<string>();
	const visit = (n: unknown) => {
		if (!n || typeof n !== 'object') return;
		const node = n as SchemaNode;
		if (node.$ref && !seen.has(node.$ref) && KUBE_SCHEMA.definitions[node.$ref]) {
			seen.add(node.$ref);
			visit(KUBE_SCHEMA.definitions[node.$ref]);
		}
		for (const p of Object.values(node.properties ?? {})) visit(p);
		visit(node.items);
		visit(node.additionalProperties);
	};
	for (const r of roots) visit({ $ref: r });
	return [...seen].sort();
}

const param = (name: string, description: string, type = 'string', required = false) => ({ name, in: 'query', description, schema: { type, uniqueItems: true }, ...(required ? { required } : {}) });
const PATH_PARAM = (name: string) => ({ name, in: 'path', description: `name of the ${name === 'namespace' ? 'Namespace' : 'object'}`, required: true, schema: { type: 'string', uniqueItems: true } });
/** What PATCH accepts (kubectl computes strategic merge patches only where this lists one). */
const PATCH_CONTENT_TYPES = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];
const WRITE_PARAMS = [
	param('dryRun', 'When present, indicates that modifications should not be persisted.'),
	param('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
	param('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict.')
];

export function operations(r: ResourceInfo, definition: string): Json {
	const gvk = { group: r.group, kind: r.kind, version: r.version };
	const gv = apiVersionOf(r);
	const base = r.group ? `/apis/${gv}` : `/api/${gv}`;
	const ns = r.namespaced ? '/namespaces/{namespace}' : '';
	const body = { content: { 'application/json': { schema: ref(definition) } } };
	const ok = { '200': { description: 'OK', content: { 'application/json': { schema: ref(definition) } } } };
	const op = (action: string, verb: string, extra: Json = {}) => ({
		description: `${verb} ${r.kind}`,
		operationId: `${action}${r.kind}`,
		responses: ok,
		'x-kubernetes-action': action,
		'x-kubernetes-group-version-kind': gvk,
		...extra
	});
	const pathParams = [PATH_PARAM('name'), ...(r.namespaced ? [PATH_PARAM('namespace')] : [])];
	const item = {
		get: op('get', 'read the specified'),
		put: op('put', 'replace the specified', { parameters: WRITE_PARAMS, requestBody: body }),
		patch: op('patch', 'partially update the specified', {
			parameters: [...WRITE_PARAMS, param('force', 'Force is going to "force" Apply requests.', 'boolean')],
			// Custom resources take no strategic merge patch (kubectl apply then sends a JSON merge patch).
			requestBody: { content: Object.fromEntries(PATCH_CONTENT_TYPES.filter((t) => !r.custom || !t.includes('strategic')).map((t) => [t, { schema: { type: 'object' } }])), required: true }
		}),
		delete: op('delete', 'delete'),
		parameters: pathParams
	};
	const collection = {
		get: op('list', 'list or watch objects of kind'),
		post: op('post', 'create a', { parameters: WRITE_PARAMS, requestBody: body }),
		parameters: r.namespaced ? [PATH_PARAM('namespace')] : []
	};
	const out: Json = { [`${base}${ns}/${r.resource}`]: collection, [`${base}${ns}/${r.resource}/{name}`]: item };
	if (r.status) out[`${base}${ns}/${r.resource}/{name}/status`] = item;
	return out;
}

/**
 * The document of one group version (`apis/apps/v1`), or undefined if not served; `customDoc`
 * builds the documents of CRD group versions (src/lib/kube/crd/openapi.ts).
 */
export function openApiV3Doc(path: string, set: ResourceSet = BUILTIN_SET, customDoc?: (rs: ResourceInfo[]) => Json): Json | undefined {
	const m = /^(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
	if (!m) return undefined;
	const group = m[2] ?? '';
	const version = m[1] ?? m[3];
	const rs = set.resourcesOf(group, version);
	if (!rs.length) return undefined;
	if (customDoc && rs.some((r) => r.custom)) return customDoc(rs);
	const kindDefs = new Map<string, ResourceInfo>();
	for (const r of rs) {
		const def = KUBE_SCHEMA.kinds[`${apiVersionOf(r)}/${r.kind}`];
		if (def) kindDefs.set(def, r);
	}
	const schemas: Json = {};
	for (const name of reachable([...kindDefs.keys()])) {
		const s = convertNode(KUBE_SCHEMA.definitions[name], name);
		const r = kindDefs.get(name);
		if (r) s['x-kubernetes-group-version-kind'] = [{ group: r.group, kind: r.kind, version: r.version }];
		schemas[name] = s;
	}
	let paths: Json = {};
	for (const [def, r] of kindDefs) paths = { ...paths, ...operations(r, def) };
	return { openapi: '3.0.0', info: OPENAPI_INFO, paths, components: { schemas } };
}
