/**
 * Where CRDs and custom resources are served differently from built-ins: creates under a
 * terminating CRD answer 405 (`create not allowed while custom resource definition is
 * terminating`), custom resources take no strategic merge patches (415), and DELETE of a CRD is
 * apiextensions' CRD REST delete: the first delete marks the CRD (deletionTimestamp, the
 * `customresourcecleanup.apiextensions.k8s.io` finalizer, Terminating = InstanceDeletionPending)
 * and answers with it; the CRD controller then deletes every custom object and drops the
 * finalizer, which removes the CRD (crd-controller.ts). A CRD already being deleted goes through
 * the normal delete path.
 *
 * @module
 */
import { badRequest, conflict, KubeError, notFound, unsupportedMediaType } from '../../src/lib/kube/api-errors';
import { CRD_CLEANUP_FINALIZER, setCondition, TERMINATING } from '../../src/lib/kube/crd';
import { rfc3339 } from '../../src/lib/kube/duration';
import { parseDeleteOptions, type DeleteOptions } from '../../src/lib/kube/write-options';
import { keyOf, type Call } from './context';
import { handleDelete } from './delete';
import { contentType, parseBody, readBody, sendObject } from './http';
import { PATCH_TYPES } from './patch';
import { APISERVER_LIMITS } from './limits';
import { objectBody } from './read';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function deleteOptions(call: Call): Promise<DeleteOptions> {
	const text = await readBody(call.req);
	const body = text.trim() ? parseBody(text, contentType(call.req) || 'application/json', (m) => `the object provided is unrecognized (must be of type DeleteOptions): ${m}`) : undefined;
	if (body !== undefined && (!body || typeof body !== 'object' || Array.isArray(body))) throw badRequest('the object provided is unrecognized (must be of type DeleteOptions)');
	return parseDeleteOptions(call.query, body as Obj | undefined);
}

export async function handleCrdDelete(call: Call): Promise<void> {
	const { ctx, target: t } = call;
	const key = keyOf(t);
	const first = await ctx.storage.get(key);
	if (!first) throw notFound(t.gr, t.name ?? '');
	if (first.object.metadata?.deletionTimestamp) return handleDelete(call);
	const opts = await deleteOptions(call);
	for (let attempt = 0; attempt < APISERVER_LIMITS.maxUpdateRetries; attempt++) {
		const cur = await ctx.storage.get(key);
		if (!cur) throw notFound(t.gr, t.name ?? '');
		const meta = cur.object.metadata;
		if (opts.preconditions?.uid && opts.preconditions.uid !== meta.uid)
			throw conflict(t.gr, t.name ?? '', `Precondition failed: UID in precondition: ${opts.preconditions.uid}, UID in object meta: ${meta.uid ?? ''}`);
		if (opts.preconditions?.resourceVersion && opts.preconditions.resourceVersion !== meta.resourceVersion)
			throw conflict(t.gr, t.name ?? '', `Precondition failed: ResourceVersion in precondition: ${opts.preconditions.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion}`);
		const next = structuredClone(cur.object);
		const now = rfc3339(ctx.clock.now());
		next.metadata.deletionTimestamp ??= now;
		next.metadata.deletionGracePeriodSeconds = 0;
		if (!(next.metadata.finalizers ?? []).includes(CRD_CLEANUP_FINALIZER)) next.metadata.finalizers = [...(next.metadata.finalizers ?? []), CRD_CLEANUP_FINALIZER];
		setCondition((next.status ??= {}), TERMINATING.pending, now);
		if (!opts.dryRun) {
			const rev = await ctx.storage.update(key, next, cur.modRevision);
			if (rev === undefined) continue;
			next.metadata.resourceVersion = String(rev);
		}
		return sendObject(call.res, 200, objectBody(call, next));
	}
	throw conflict(t.gr, t.name ?? '');
}

const isCrd = (call: Call) => call.target.resource.group === 'apiextensions.k8s.io' && call.target.resource.resource === 'customresourcedefinitions';

/** Serves the request when CRD rules apply (see the module comment); undefined otherwise. */
export function routeCustom(call: Call, method: string): Promise<void> | undefined {
	const t = call.target;
	if (isCrd(call) && method === 'DELETE' && t.name && !t.subresource) return handleCrdDelete(call);
	if (!t.resource.custom) return undefined;
	if (method === 'POST' && t.resource.custom.terminating) {
		const d = { group: t.resource.group, kind: t.resource.resource };
		throw new KubeError(405, 'MethodNotAllowed', 'create not allowed while custom resource definition is terminating', d);
	}
	if (method === 'PATCH' && contentType(call.req) === 'application/strategic-merge-patch+json') throw unsupportedMediaType(PATCH_TYPES.filter((p) => !p.includes('strategic')));
	return undefined;
}
