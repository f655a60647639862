/**
 * The non-resource endpoints of a room's API: discovery (legacy and aggregated), `/version`,
 * OpenAPI v3 (index and per group version, cached with their content hashes), health checks.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pathNotFound } from '../../src/lib/kube/api-errors';
import { aggregatedDiscovery, apiGroupDoc, apiGroupList, apiResourceList, apiVersions } from '../../src/lib/kube/discovery';
import { openApiV3Doc, openApiV3Paths } from '../../src/lib/kube/openapi-v3';
import { openApiV2Json, openApiV2Proto } from '../../src/lib/kube/openapi-v2';
import type { RequestInfo } from '../../src/lib/kube/request-info';
import { BUILTIN_SET, type ResourceSet } from '../../src/lib/kube/resources';
import { customOpenApiV2Definitions, customOpenApiV3Doc } from '../../src/lib/kube/crd';
import { negotiate, sendObject } from './http';

/** What `/version` reports: Kubernetes 1.32, built as converge. */
export const VERSION_INFO = {
	major: '1',
	minor: '32',
	gitVersion: 'v1.32.0',
	gitCommit: 'converge',
	gitTreeState: 'clean',
	buildDate: '2026-11-25T00:00:00Z',
	goVersion: 'go1.23.0',
	compiler: 'gc',
	platform: 'converge/simulated'
};

const openApiCache = new Map<string, { body: string; hash: string }>();
/** Documents of custom group versions, per resource set (a room's set is replaced when its CRDs change). */
const customCaches = new WeakMap<ResourceSet, Map<string, { body: string; hash: string }>>();

function isCustomPath(path: string, set: ResourceSet): boolean {
	const m = /^apis\/([^/]+)\/([^/]+)$/.exec(path);
	return !!m && set.resourcesOf(m[1], m[2]).some((r) => r.custom);
}

function openApiEntry(path: string, set: ResourceSet): { body: string; hash: string } | undefined {
	let cache = openApiCache;
	if (isCustomPath(path, set)) {
		cache = customCaches.get(set) ?? new Map();
		customCaches.set(set, cache);
	}
	let e = cache.get(path);
	if (!e) {
		const doc = openApiV3Doc(path, set, customOpenApiV3Doc);
		if (!doc) return undefined;
		const body = JSON.stringify(doc);
		e = { body, hash: createHash('sha512').update(body).digest('hex').toUpperCase() };
		cache.set(path, e);
	}
	return e;
}

function sendRaw(res: ServerResponse, body: string, contentType = 'application/json'): void {
	res.writeHead(200, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)), 'cache-control': 'no-cache, private' });
	res.end(body);
}

/** What kubectl asks for, and the media type kube-openapi answers it with (no `@`: it is not a valid mime subtype). */
const V2_PROTO = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
const V2_PROTO_REPLY = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
const openApiV2Docs = new WeakMap<ResourceSet, { json: string; proto: Uint8Array }>();

/** `/openapi/v2`: protobuf when asked for (kubectl), JSON otherwise; custom resources' definitions included. */
function serveOpenApiV2(req: IncomingMessage, res: ServerResponse, set: ResourceSet): void {
	const custom = set.groupVersions().flatMap((g) => set.resourcesOf(g.group, g.version).filter((r) => r.custom));
	const cacheKey = custom.length ? set : BUILTIN_SET;
	let openApiV2 = openApiV2Docs.get(cacheKey);
	if (!openApiV2) {
		const doc = openApiV2Json(customOpenApiV2Definitions(custom));
		openApiV2 = { json: JSON.stringify(doc), proto: openApiV2Proto(doc) };
		openApiV2Docs.set(cacheKey, openApiV2);
	}
	const accept = req.headers.accept ?? '';
	if (accept.includes(V2_PROTO) || accept.includes(V2_PROTO_REPLY)) {
		res.writeHead(200, { 'content-type': V2_PROTO_REPLY, 'content-length': String(openApiV2.proto.length), 'cache-control': 'no-cache, private' });
		res.end(openApiV2.proto);
		return;
	}
	sendRaw(res, openApiV2.json);
}

/** Serves discovery; returns false when the path is not a discovery document. */
export function serveDiscovery(req: IncomingMessage, res: ServerResponse, info: Extract<RequestInfo, { kind: 'discovery' }>, set: ResourceSet = BUILTIN_SET): void {
	const host = req.headers.host ?? 'localhost';
	if (!info.group && !info.version) {
		const wanted = negotiate(req, 'discovery');
		if (wanted.as === 'discovery') {
			const body = aggregatedDiscovery(info.prefix === 'api', wanted.version, set);
			const etag = `"${createHash('sha256').update(JSON.stringify(body)).digest('hex').toUpperCase()}"`;
			res.setHeader('etag', etag);
			res.setHeader('vary', 'Accept');
			sendObject(res, 200, body, { contentType: `application/json;g=apidiscovery.k8s.io;v=${wanted.version};as=APIGroupDiscoveryList` });
			return;
		}
		sendObject(res, 200, info.prefix === 'api' ? apiVersions(host) : apiGroupList(set));
		return;
	}
	negotiate(req, 'plain');
	const doc = info.version ? apiResourceList(info.group ?? '', info.version, set) : apiGroupDoc(info.group ?? '', set);
	if (!doc || (info.prefix === 'api' && info.group)) throw pathNotFound();
	sendObject(res, 200, doc);
}

/** `/version`, `/openapi/...`, `/healthz`...; throws 404 for anything else. */
export function serveOther(req: IncomingMessage, res: ServerResponse, path: string[], query: URLSearchParams, set: ResourceSet = BUILTIN_SET): void {
	const p = path.join('/');
	if (p === 'version') return sendObject(res, 200, VERSION_INFO);
	if (p === 'healthz' || p === 'livez' || p === 'readyz') return sendRaw(res, 'ok', 'text/plain; charset=utf-8');
	if (p === 'openapi/v3') {
		const paths: Record<string, { serverRelativeURL: string }> = {};
		for (const gv of openApiV3Paths(set)) paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${openApiEntry(gv, set)!.hash}` };
		return sendObject(res, 200, { paths });
	}
	if (p === 'openapi/v2') return serveOpenApiV2(req, res, set);
	if (path[0] === 'openapi' && path[1] === 'v3' && path.length > 2) {
		const e = openApiEntry(path.slice(2).join('/'), set);
		if (!e) throw pathNotFound();
		void query;
		return sendRaw(res, e.body);
	}
	throw pathNotFound();
}
