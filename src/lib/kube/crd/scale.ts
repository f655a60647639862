/**
 * The scale subresource of custom resources: an autoscaling/v1 Scale read from and written to
 * the paths the CRD names (`specReplicasPath: .spec.replicas`, `statusReplicasPath`,
 * `labelSelectorPath`), like apiextensions' scale REST (a missing replicas value reads as 0).
 *
 * @module
 */
import type { ScaleSubresource } from './types';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const steps = (path: string | undefined) => (path ?? '').replace(/^\./, '').split('.').filter(Boolean);
const read = (o: Obj, path: string | undefined): unknown => steps(path).reduce<unknown>((c, k) => (c && typeof c === 'object' ? (c as Obj)[k] : undefined), o);

/** The Scale of a custom object. */
export function customScaleOf(sub: ScaleSubresource, obj: Obj, namespaced: boolean): Obj {
	const m = obj.metadata ?? {};
	const metadata: Obj = { name: m.name };
	if (namespaced) metadata.namespace = m.namespace;
	Object.assign(metadata, { uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp });
	const int = (v: unknown) => (typeof v === 'number' ? Math.trunc(v) : 0);
	const status: Obj = { replicas: int(read(obj, sub.statusReplicasPath)) };
	const selector = read(obj, sub.labelSelectorPath);
	if (typeof selector === 'string' && selector) status.selector = selector;
	return { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata, spec: { replicas: int(read(obj, sub.specReplicasPath)) }, status };
}

/** A copy of `obj` with `replicas` at the spec replicas path. */
export function withCustomReplicas(sub: ScaleSubresource, obj: Obj, replicas: number): Obj {
	const next = structuredClone(obj);
	const path = steps(sub.specReplicasPath);
	let cur: Obj = next;
	for (const k of path.slice(0, -1)) cur = cur[k] && typeof cur[k] === 'object' ? cur[k] : (cur[k] = {});
	cur[path[path.length - 1]] = replicas;
	return next;
}
