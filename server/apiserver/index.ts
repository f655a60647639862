/**
 * A room's Kubernetes API at `/rooms/<room>/k8s/...`: authentication (the room's bearer tokens;
 * none or a wrong one is 401), authorization (viewers may get, list and watch; any write is a
 * 403 worded like kube-apiserver's RBAC denial), routing (discovery, /version, OpenAPI, resources
 * and their status/scale subresources) and errors as kube `Status` objects.
 *
 * @module
 */
import { apiMetrics } from './metrics';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { stampingClock } from '../../src/lib/clock/clock';
import { badRequest, forbidden, internalError, KubeError, pathNotFound, unauthorized } from '../../src/lib/kube/api-errors';
import { BUILTIN_SET } from '../../src/lib/kube/resources';
import { parseRequestInfo, type ResourceRequest } from '../../src/lib/kube/request-info';
import { bearerToken } from '../http/respond';
import { roleOf, serviceCIDROf } from '../rooms/meta';
import { isInternalRequest } from '../controllers/runtime/internal-call';
import type { RoomRegistry } from '../rooms/registry';
import type { Room } from '../rooms/room';
import type { Config } from '../config';
import { bootstrapRoom } from './bootstrap';
import { IdentitySource, uuidV4 } from '../../src/lib/kube/random-ids';
import { makeTarget, storeErrorToKube, type ApiContext, type Call } from './context';
import { registryOf } from './crd-registry';
import { routeCustom } from './crd-routes';
import { handleDelete, handleDeleteCollection } from './delete';
import { serveDiscovery, serveOther } from './discovery-routes';
import { negotiate, sendError } from './http';
import { handlePatch } from './patch';
import { handleGet, handleList, listOptionsFor } from './read';
import { handleGetScale, handleUpdateScale } from './scale';
import { ObjectStorage } from './storage';
import { handleWatch } from './watch';
import { handleCreate, handleUpdate, handleUpdateStatus } from './write';
import { authorize } from '../../src/lib/kube/authorizer';
import { can } from '../../src/lib/rooms/permissions';
import { handleReview } from './access-review';
import { handleNamespaceFinalize } from './namespace-finalize';
import { KUBE_IDLE_TIMEOUT_MS } from './tls';
import { servePodSubresource } from './pod-subresources';

export const KUBE_PREFIX = '/rooms/';

interface RoomApi {
	storage: ObjectStorage;
	/** uids, generateName suffixes and service allocations, derived from the room's seed. */
	ids: IdentitySource;
}

const apis = new WeakMap<Room, Promise<RoomApi>>();

/**
 * The room's object storage, bootstrapped on first use, and its identities. Both are keyed by the
 * store's revision: a replay of the room's writes gets the same ids, and a reloaded room (same
 * seed, counters from 0) does not hand out the uids of objects it already holds again.
 */
function apiOf(room: Room): Promise<RoomApi> {
	let p = apis.get(room);
	if (!p) {
		const storage = new ObjectStorage(room.store);
		p = storage.revision().then(async (revision) => {
			const rng = room.time.rng.fork(`apiserver@${revision}`);
			await bootstrapRoom(storage, room.time.clock, () => uuidV4(rng), serviceCIDROf(room.meta));
			return { storage, ids: new IdentitySource(room.meta.seed ?? 0, revision, () => room.time.clock.now()) };
		});
		p.catch(() => apis.delete(room));
		apis.set(room, p);
	}
	return p;
}

/** Handles `/rooms/<id>/k8s/...`; anything below `/rooms/` that is not a room API is a 404 Status. */
export async function handleKubeApi(req: IncomingMessage, res: ServerResponse, url: URL, rooms: RoomRegistry, config: Config): Promise<void> {
	keepIdleLikeKube(req, res);
	try {
		await serve(req, res, url, rooms, config);
	} catch (e) {
		const err = storeErrorToKube(e);
		if (err instanceof KubeError) return sendError(res, err);
		config.log(`kube API internal error on ${req.method} ${url.pathname}: ${(err as Error).stack}`);
		sendError(res, internalError((err as Error).message));
	}
}

/**
 * kube-apiserver keeps an idle keep-alive connection for 90 s (tls.ts); node's server closes it
 * after 5 s, counted from the response's end, so an event loop busy for longer than that (a
 * store snapshot) closes it with the client's next request unread: ECONNRESET. This runs after
 * the server armed its own timer on 'finish' and replaces it; the next request clears it.
 */
function keepIdleLikeKube(req: IncomingMessage, res: ServerResponse): void {
	const socket = req.socket as { setTimeout?: (ms: number) => unknown; destroyed?: boolean } | undefined;
	if (typeof socket?.setTimeout !== 'function') return; // the control plane's in-process calls
	res.once('finish', () => {
		if (!socket.destroyed && res.shouldKeepAlive) socket.setTimeout!(KUBE_IDLE_TIMEOUT_MS);
	});
}

function decodeSegments(path: string): string[] {
	try {
		return path.split('/').filter(Boolean).map(decodeURIComponent);
	} catch {
		throw badRequest(`invalid path: ${path}`);
	}
}

async function serve(req: IncomingMessage, res: ServerResponse, url: URL, rooms: RoomRegistry, config: Config): Promise<void> {
	const [, , roomId, api, ...rest] = url.pathname.split('/');
	if (api !== 'k8s') throw pathNotFound();
	const internal = isInternalRequest(req);
	const room = await rooms.get(roomId, { internal });
	// The control plane's calls still in flight while its room unloads: the server is going away
	// for them, as kube-apiserver is for its clients during shutdown (not a credentials problem).
	if (!room && internal) throw new KubeError(503, 'ServiceUnavailable', `room ${roomId} is unloading`, {});
	const role = room ? roleOf(room.meta, bearerToken(req)) : undefined;
	if (!room || !role) {
		// kube-apiserver logs "Unable to authenticate the request"; so do we, with why (an unknown room included).
		const scheme = (req.socket as { encrypted?: boolean } | undefined)?.encrypted ? 'https' : 'http';
		const why = !room ? `no room ${roomId} on this server` : bearerToken(req) ? 'token of no role in this room' : 'no bearer token';
		config.log(`kube API: unable to authenticate ${req.method} ${url.pathname}: ${why} (${scheme})`);
		throw unauthorized();
	}
	const method = (req.method ?? 'GET').toUpperCase();
	const info = parseRequestInfo(method, decodeSegments(rest.join('/')), url.searchParams);
	apiMetrics(room).track(req, res, info.kind === 'resource' ? info.verb : 'get');
	const { storage, ids } = await apiOf(room);
	const ctx: ApiContext = { room, storage, clock: stampingClock(room.time.clock), user: role, internal, ids, log: config.log };
	// The room's served resources: built-ins plus established CRDs (the registry's controller writes as the API server).
	ctx.resources = (await registryOf(room, () => ({ ...ctx, user: 'system:apiserver' }))).snapshot();
	if (info.kind !== 'resource') {
		if (method !== 'GET' && method !== 'HEAD') {
			const path = '/' + rest.join('/');
			if (!can(role, 'write-cluster')) throw new KubeError(403, 'Forbidden', `forbidden: User "${role}" cannot ${method.toLowerCase()} path "${path}"`, {});
			throw new KubeError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
		}
		if (info.kind === 'discovery') return serveDiscovery(req, res, info, ctx.resources);
		return serveOther(req, res, info.path, url.searchParams, ctx.resources);
	}
	const attrs = { verb: info.verb, group: info.group, resource: info.resource, subresource: info.subresource, namespace: info.namespace, name: info.name };
	if (!authorize(role, attrs).allowed) throw rbacDenied(role, info);
	await serveResource(ctx, req, res, info, url.searchParams, method);
}

/** The 403 kube-apiserver's RBAC authorizer answers. */
function rbacDenied(user: string, info: ResourceRequest): KubeError {
	const resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
	const where = info.namespace ? `in the namespace "${info.namespace}"` : 'at the cluster scope';
	const reason = `User "${user}" cannot ${info.verb} resource "${resource}" in API group "${info.group}" ${where}`;
	return forbidden({ group: info.group, resource: info.resource }, info.name ?? '', reason);
}

const methodNotAllowed = () => new KubeError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});

async function serveResource(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, info: ResourceRequest, query: URLSearchParams, method: string): Promise<void> {
	const resource = (ctx.resources ?? BUILTIN_SET).find(info.group, info.version, info.resource);
	if (!resource || info.rest.length) throw pathNotFound();
	const sub = info.subresource;
	// Subresources with their own REST (pods/log, pods/eviction, namespaces/finalize) and the self reviews.
	const own = sub !== undefined && info.name !== undefined && resource.subresources?.some((s) => s.name === sub);
	if (sub !== undefined && !own && !((sub === 'status' && resource.status) || (sub === 'scale' && resource.scale))) throw pathNotFound();
	// Namespaces are addressed by name; cluster-scoped resources never under /namespaces/<ns>/.
	const isNamespaces = resource.resource === 'namespaces' && info.group === '';
	if (!resource.namespaced && info.namespace !== undefined && !isNamespaces) throw pathNotFound();
	const namespace = resource.namespaced ? info.namespace : undefined;
	if (resource.namespaced && namespace === undefined && info.name !== undefined) throw pathNotFound();
	const target = makeTarget(resource, namespace, info.name, own ? undefined : (sub as 'status' | 'scale' | undefined));
	const call: Call = { ctx, target, req, res, query, wanted: negotiate(req, 'resource') };
	if (resource.review) return handleReview(call, resource, method, info.name !== undefined);
	if (own) return resource.kind === 'Namespace' ? handleNamespaceFinalize(call, method) : servePodSubresource(call, sub, method);
	const custom = routeCustom(call, method);
	if (custom) return custom;
	if (!info.name) {
		if (method === 'GET' || method === 'HEAD') {
			const opts = listOptionsFor(target, query, info.verb === 'watch');
			return opts.watch ? handleWatch(call, opts) : handleList(call);
		}
		if (method === 'POST' && (namespace !== undefined || !resource.namespaced)) return handleCreate(call);
		if (method === 'DELETE' && (namespace !== undefined || !resource.namespaced)) return handleDeleteCollection(call);
		throw methodNotAllowed();
	}
	if (sub === 'scale') {
		if (method === 'GET') return handleGetScale(call);
		if (method === 'PUT') return handleUpdateScale(call);
		if (method === 'PATCH') return handlePatch(call);
		throw methodNotAllowed();
	}
	switch (method) {
		case 'GET':
		case 'HEAD':
			return handleGet(call);
		case 'PUT':
			return sub === 'status' ? handleUpdateStatus(call) : handleUpdate(call);
		case 'PATCH':
			return handlePatch(call);
		case 'DELETE':
			if (sub) throw methodNotAllowed();
			return handleDelete(call);
	}
	throw methodNotAllowed();
}
