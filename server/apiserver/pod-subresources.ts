/**
 * The pod subresources with their own REST (pkg/registry/core/pod/storage): `binding` (POST a
 * Binding: the scheduler's way to set spec.nodeName and the PodScheduled condition, once),
 * `eviction` (pod-eviction.ts) and `log` (GET: the container's logs from the room's
 * PodLogSource, the simulated kubelet's part).
 *
 * @module
 */
import type { Room } from '../rooms/room';
import { badRequest, conflict, KubeError } from '../../src/lib/kube/api-errors';
import { aggregate, formatFieldError, notSupported, required, type FieldError } from '../../src/lib/kube/field-errors';
import { setPodCondition } from '../../src/lib/kube/pod-condition';
import { logContainer, statusLogSource, type PodLogOptions, type PodLogSource } from '../../src/lib/kube/pod-logs';
import { isTrue } from '../../src/lib/kube/request-info';
import { parseWriteOptions } from '../../src/lib/kube/write-options';
import { readKindBody } from './access-review';
import { keyOf, type Call } from './context';
import { sendObject } from './http';
import { getStored } from './read';
import { CREATED_STATUS, handleEviction } from './pod-eviction';
import { APISERVER_LIMITS } from './limits';
import { cloneJson } from '../../src/lib/kube/clone-json';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const methodNotAllowed = () => new KubeError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});

export async function servePodSubresource(call: Call, sub: string, method: string): Promise<void> {
	const want = sub === 'log' ? 'GET' : 'POST';
	if (method !== want && !(want === 'GET' && method === 'HEAD')) throw methodNotAllowed();
	if (sub === 'binding') return handleBinding(call);
	if (sub === 'eviction') return handleEviction(call);
	return handleLog(call);
}

/** ValidatePodBinding; kube returns its aggregate as a plain error (500, no reason). */
function validateBinding(b: Obj): void {
	const errs: FieldError[] = [];
	const kind = b.target?.kind;
	if (kind && kind !== 'Node') errs.push(notSupported('target.kind', kind, ['Node', '<empty>']));
	if (!b.target?.name) errs.push(required('target.name'));
	if (errs.length) throw new KubeError(500, undefined, aggregate(errs.map(formatFieldError)));
}

/** BindingREST.Create: assigns the pod to the node in one guarded write (no pod update validation). */
async function handleBinding(call: Call): Promise<void> {
	const opts = parseWriteOptions(call.query, 'CreateOptions');
	const b = await readKindBody(call, ['v1/Binding']);
	const name = call.target.name ?? '';
	if ((b.metadata?.name ?? '') !== name) throw badRequest('name in URL does not match name in Binding object');
	validateBinding(b);
	const node: string = b.target.name;
	const refuse = (why: string) => conflict({ group: '', resource: 'pods/binding' }, name, why);
	const key = keyOf(call.target);
	for (let attempt = 0; attempt < APISERVER_LIMITS.maxUpdateRetries; attempt++) {
		const cur = await getStored(call);
		const pod = cloneJson(cur.object);
		const meta = pod.metadata;
		if (b.metadata.uid && b.metadata.uid !== meta.uid)
			throw conflict({ group: '', resource: 'pods' }, name, `Precondition failed: UID in precondition: ${b.metadata.uid}, UID in object meta: ${meta.uid}`);
		if (b.metadata.resourceVersion && b.metadata.resourceVersion !== meta.resourceVersion) throw conflict({ group: '', resource: 'pods' }, name);
		if (meta.deletionTimestamp) throw refuse(`pod ${name} is being deleted, cannot be assigned to a host`);
		if (pod.spec?.nodeName) throw refuse(`pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
		if (pod.spec?.schedulingGates?.length) throw refuse(`pod ${name} has non-empty .spec.schedulingGates`);
		(pod.spec ??= {}).nodeName = node;
		if (b.metadata.annotations) meta.annotations = { ...(meta.annotations ?? {}), ...b.metadata.annotations };
		setPodCondition(pod, { type: 'PodScheduled', status: 'True' }, call.ctx.clock.now());
		if (opts.dryRun || (await call.ctx.storage.update(key, pod, cur.modRevision)) !== undefined) {
			sendObject(call.res, 201, CREATED_STATUS);
			return;
		}
	}
	throw conflict({ group: '', resource: 'pods' }, name);
}

const logSources = new WeakMap<Room, PodLogSource>();

/** Where a room's pod logs come from (the simulated kubelets register theirs). */
export function setPodLogSource(room: Room, source: PodLogSource): void {
	logSources.set(room, source);
}

/** An integer PodLogOptions parameter (left unset when absent or not an integer). */
function intParam(q: URLSearchParams, name: string): number | undefined {
	const v = q.get(name);
	return v !== null && /^-?\d+$/.test(v) ? Number(v) : undefined;
}

/** LogREST.Get: 204 for a pod with no node yet (kube returns no stream then), else the source's text. */
async function handleLog(call: Call): Promise<void> {
	const q = call.query;
	const pod = (await getStored(call)).object;
	const container = logContainer(pod, q.get('container') ?? '');
	if (!pod.spec?.nodeName) {
		call.res.writeHead(204).end();
		return;
	}
	const opts: PodLogOptions = {
		container,
		follow: isTrue(q.get('follow')),
		previous: isTrue(q.get('previous')),
		timestamps: isTrue(q.get('timestamps')),
		tailLines: intParam(q, 'tailLines'),
		limitBytes: intParam(q, 'limitBytes'),
		sinceSeconds: intParam(q, 'sinceSeconds')
	};
	const text = await (logSources.get(call.ctx.room) ?? statusLogSource).logs(pod, opts);
	call.res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(Buffer.byteLength(text)) });
	call.res.end(call.req.method === 'HEAD' ? undefined : text);
}
