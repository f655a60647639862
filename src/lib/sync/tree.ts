/**
 * The resource tree of the Sync view: each declared object, then what it owns in the cluster
 * down through ownerReferences (Deployment → ReplicaSet → Pod, CronJob → Job → Pod,
 * StatefulSet/DaemonSet → Pod), plus a Service's EndpointSlices (label
 * `kubernetes.io/service-name`) and Endpoints (same name). Each node carries its health.
 *
 * @module
 */
import type { DeclaredObject } from '../collab/protocol';
import type { KubeObject } from '../controllers/types';
import { objectKey } from '../kube/analyze';
import { assessHealth } from './health';
import type { HealthStatus } from './types';

/** Where an object is declared (the analysis' DeclaredObject). */
export type DeclaredRef = DeclaredObject;

export interface TreeNode {
	key: string;
	apiVersion: string;
	kind: string;
	namespace?: string;
	name: string;
	live?: KubeObject;
	health: HealthStatus;
	/** Set on top-level nodes: where the object is declared. */
	declared?: DeclaredRef;
	children: TreeNode[];
}

const keyOfLive = (o: KubeObject): string => objectKey({ apiVersion: o.apiVersion ?? '', kind: o.kind ?? '', namespace: o.metadata.namespace, name: o.metadata.name ?? '' });

const byKindName = (a: TreeNode, b: TreeNode): number => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * The tree of each declared object. `live` holds whatever is watched: a declared object that is
 * not in it (its kind is not watched) still gets its children, found by owner kind and name.
 */
export function buildTree(declared: DeclaredRef[], live: KubeObject[]): TreeNode[] {
	const byKey = new Map<string, KubeObject>();
	const byOwner = new Map<string, KubeObject[]>();
	const push = (k: string, o: KubeObject) => byOwner.set(k, [...(byOwner.get(k) ?? []), o]);
	for (const o of live) {
		byKey.set(keyOfLive(o), o);
		for (const ref of o.metadata.ownerReferences ?? []) {
			push(`uid:${ref.uid}`, o);
			push(`name:${ref.kind}/${o.metadata.namespace ?? ''}/${ref.name}`, o);
		}
		const svc = o.metadata.labels?.['kubernetes.io/service-name'];
		if (o.kind === 'EndpointSlice' && svc) push(`name:Service/${o.metadata.namespace ?? ''}/${svc}`, o);
	}

	const childrenOf = (kind: string, namespace: string | undefined, name: string, uid: string | undefined, seen: Set<string>): TreeNode[] => {
		const kids = new Map<string, KubeObject>();
		const add = (c: KubeObject) => kids.set(c.metadata.uid ?? keyOfLive(c), c);
		if (uid) (byOwner.get(`uid:${uid}`) ?? []).forEach(add);
		(byOwner.get(`name:${kind}/${namespace ?? ''}/${name}`) ?? []).forEach(add);
		if (kind === 'Service') {
			const ep = byKey.get(objectKey({ apiVersion: 'v1', kind: 'Endpoints', namespace, name }));
			if (ep) add(ep);
		}
		return [...kids.values()].filter((c) => !seen.has(c.metadata.uid ?? keyOfLive(c))).map((c) => node(c, seen)).sort(byKindName);
	};

	const node = (o: KubeObject, seen: Set<string>): TreeNode => {
		seen.add(o.metadata.uid ?? keyOfLive(o));
		return {
			key: keyOfLive(o),
			apiVersion: o.apiVersion ?? '',
			kind: o.kind ?? '',
			namespace: o.metadata.namespace,
			name: o.metadata.name ?? '',
			live: o,
			health: assessHealth(o),
			children: childrenOf(o.kind ?? '', o.metadata.namespace, o.metadata.name ?? '', o.metadata.uid, seen)
		};
	};

	return declared.map((d) => {
		const candidates = d.namespace ? [d.namespace] : ['', 'default'];
		let o: KubeObject | undefined;
		for (const ns of candidates) o ??= byKey.get(objectKey({ ...d, namespace: ns || undefined }));
		if (o) return { ...node(o, new Set()), declared: d };
		// Not watched (or not live): children by owner name, in the namespace the applier uses.
		const seen = new Set<string>();
		const children = candidates.flatMap((ns) => childrenOf(d.kind, ns || undefined, d.name, undefined, seen));
		return { key: objectKey(d), apiVersion: d.apiVersion, kind: d.kind, namespace: d.namespace, name: d.name, health: assessHealth(undefined), declared: d, children };
	});
}

/** Every node of a tree, depth first. */
export function* walkTree(nodes: TreeNode[]): Generator<TreeNode> {
	for (const n of nodes) {
		yield n;
		yield* walkTree(n.children);
	}
}
