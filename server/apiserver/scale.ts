/**
 * The `scale` subresource of Deployments, ReplicaSets and StatefulSets: an autoscaling/v1 Scale
 * view (spec.replicas, status.replicas, status.selector as a selector string) that reads from
 * and writes to the object's spec.replicas.
 *
 * @module
 */
import { badRequest, invalid } from '../../src/lib/kube/api-errors';
import { customScaleOf, withCustomReplicas } from '../../src/lib/kube/crd';
import { formatSelector, selectorFromObject } from '../../src/lib/kube/label-selector';
import { prepareUpdate } from '../../src/lib/kube/strategy';
import { validateScale } from '../../src/lib/kube/validation';
import { parseWriteOptions } from '../../src/lib/kube/write-options';
import type { Call, Target } from './context';
import { contentType, parseBody, readBody, sendObject } from './http';
import { getStored } from './read';
import { guaranteedUpdate } from './write';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The Scale of a stored object. */
export function scaleOf(t: Target, obj: Obj): Obj {
	// Custom resources read replicas and selector from the paths their CRD names.
	if (t.resource.custom?.scaleSubresource) return customScaleOf(t.resource.custom.scaleSubresource, obj, t.stored.namespaced);
	const m = obj.metadata ?? {};
	let selector = '';
	try {
		selector = formatSelector(selectorFromObject(obj.spec?.selector));
	} catch {
		selector = '';
	}
	const metadata: Obj = { name: m.name, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp };
	if (t.stored.namespaced) metadata.namespace = m.namespace;
	return {
		kind: 'Scale',
		apiVersion: 'autoscaling/v1',
		metadata,
		spec: { replicas: obj.spec?.replicas ?? 0 },
		status: { replicas: obj.status?.replicas ?? 0, selector }
	};
}

/** The object with the Scale's replicas (422 for invalid Scales; the Scale's resourceVersion is a precondition). */
export function applyScale(t: Target, cur: Obj, scale: Obj): Obj {
	const replicas = scale.spec?.replicas;
	if (replicas !== undefined && (typeof replicas !== 'number' || !Number.isInteger(replicas)))
		throw badRequest(`Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal ${typeof replicas === 'number' ? `number ${replicas}` : typeof replicas} into Go struct field ScaleSpec.spec.replicas of type int32`);
	const errs = validateScale(scale);
	if (errs.length) throw invalid({ group: 'autoscaling', kind: 'Scale' }, t.name ?? '', errs);
	if (scale.metadata?.name !== undefined && scale.metadata.name !== t.name)
		throw badRequest(`the name of the object (${scale.metadata.name}) does not match the name on the URL (${t.name})`);
	const custom = t.resource.custom?.scaleSubresource;
	const next = custom ? withCustomReplicas(custom, cur, replicas ?? 0) : structuredClone(cur);
	if (!custom) next.spec = { ...(next.spec ?? {}), replicas: replicas ?? 0 };
	const out = prepareUpdate(t.stored, next, cur);
	out.metadata.resourceVersion = scale.metadata?.resourceVersion || cur.metadata.resourceVersion;
	return out;
}

export async function handleGetScale(call: Call): Promise<void> {
	const s = await getStored(call);
	sendObject(call.res, 200, scaleOf(call.target, s.object));
}

export async function handleUpdateScale(call: Call): Promise<void> {
	const opts = parseWriteOptions(call.query, 'UpdateOptions');
	const text = await readBody(call.req);
	const scale = parseBody(text, contentType(call.req), (msg) => `the object provided is unrecognized (must be of type Scale): ${msg}`) as Obj;
	const r = await guaranteedUpdate(call, opts, (cur) => applyScale(call.target, cur, scale));
	sendObject(call.res, 200, scaleOf(call.target, r.object));
}
