/**
 * What a kube API request asks for, parsed from its method, path and query like kube-apiserver's
 * RequestInfoFactory: API prefix, group, version, namespace, resource, name, subresource and the
 * verb that authorization sees (get/list/watch/create/update/patch/delete/deletecollection).
 *
 *   GET    /api/v1/namespaces/default/pods?watch=1     → watch pods in default
 *   PATCH  /apis/apps/v1/namespaces/d/deployments/web/scale → patch deployments/scale "web"
 *   GET    /api/v1/namespaces/default                  → get namespaces "default"
 *   GET    /apis/apps/v1                               → discovery (no resource)
 *
 * @module
 */

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceRequest {
	kind: 'resource';
	verb: Verb;
	group: string;
	version: string;
	namespace?: string;
	resource: string;
	name?: string;
	subresource?: string;
	/** Path segments after the subresource (not served; kept to answer 404). */
	rest: string[];
}

export type RequestInfo =
	| ResourceRequest
	/** `/api`, `/apis`, `/apis/<group>`, `/api/v1`, `/apis/<group>/<version>`. */
	| { kind: 'discovery'; prefix: 'api' | 'apis'; group?: string; version?: string }
	/** `/version`, `/openapi/...`, `/healthz`..., anything else. */
	| { kind: 'other'; path: string[] };

/** Subresources of namespaces that look like a namespaced resource (`/namespaces/x/status`). */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

const METHOD_VERBS: Record<string, Verb> = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete', GET: 'get', HEAD: 'get' };

/** Parses a request below the API root; `segments` are the decoded path segments (`['apis','apps','v1',...]`). */
export function parseRequestInfo(method: string, segments: string[], query: URLSearchParams): RequestInfo {
	const [prefix, ...parts] = segments;
	if (prefix !== 'api' && prefix !== 'apis') return { kind: 'other', path: segments };
	let group = '';
	if (prefix === 'apis') {
		if (parts.length === 0) return { kind: 'discovery', prefix };
		group = parts.shift()!;
		if (parts.length === 0) return { kind: 'discovery', prefix, group };
	}
	if (parts.length === 0) return { kind: 'discovery', prefix };
	const version = parts.shift()!;
	if (parts.length === 0) return { kind: 'discovery', prefix, group, version };

	let verb: Verb | undefined = METHOD_VERBS[method.toUpperCase()];
	if (!verb) verb = 'get';
	let rest = parts;
	if (rest[0] === 'watch') {
		verb = 'watch';
		rest = rest.slice(1);
	}
	let namespace: string | undefined;
	if (rest[0] === 'namespaces' && rest.length > 1) {
		namespace = rest[1];
		if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2])) rest = rest.slice(2);
	}
	const req: ResourceRequest = { kind: 'resource', verb, group, version, namespace, resource: rest[0] ?? '', rest: rest.slice(3) };
	if (rest.length >= 2) req.name = rest[1];
	if (rest.length >= 3) req.subresource = rest[2];
	if (!req.name && req.verb === 'get') req.verb = isTrue(query.get('watch')) ? 'watch' : 'list';
	if (!req.name && req.verb === 'delete') req.verb = 'deletecollection';
	return req;
}

/** Go's strconv.ParseBool as kube's query decoding uses it (`watch=1`, `watch=true`). */
export function isTrue(v: string | null): boolean {
	return v !== null && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v);
}
