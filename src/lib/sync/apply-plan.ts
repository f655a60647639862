/**
 * The applier's plan, pure: given the objects the files declare, what the last syncs applied
 * (the inventory) and which files are held back (they have errors, so the cluster keeps their
 * last applied state), decide what to server-side apply — with which field manager, forced or
 * not, releasing which old manager — and what to prune or report as "would prune".
 *
 * @module
 */
import type { DeclaredObject } from '../collab/protocol';
import { pruneOrder, syncWaves } from './waves';

/** Annotation tracking each applied object to its file and document (`<path>#<doc>`). */
export const SOURCE_ANNOTATION = 'converge.dev/source';
/** Field manager of the applies from one file. */
export const managerOf = (path: string): string => `converge:${path}`;

/** Identity and provenance of an object, as kept in the inventory. */
export interface ObjectRef extends Omit<DeclaredObject, 'line'> {
	/** objectKey: `group/Kind/namespace/name`. */
	key: string;
}

export interface DesiredObject extends DeclaredObject {
	key: string;
	object: Record<string, unknown>;
}

export interface ApplyStep {
	ref: ObjectRef;
	/** What is applied: the declared object plus the tracking annotation. */
	manifest: Record<string, unknown>;
	manager: string;
	/** Forced: the object moved between files (the new file takes its fields over). */
	force: boolean;
	/** The file the object moved from: its manager's fields are released after the apply. */
	releaseFrom?: string;
}

export interface PruneStep {
	ref: ObjectRef;
	/** `prune`: delete it; `would-prune`: prune is off (or the object is not selected), only report. */
	action: 'prune' | 'would-prune';
}

export interface SkippedObject {
	ref: ObjectRef;
	reason: string;
}

export interface ApplyPlan {
	/** Apply steps in sync waves (parallel inside a wave). */
	waves: ApplyStep[][];
	/** Objects no longer declared, in prune order (workloads first, Namespaces last). */
	prune: PruneStep[];
	/** Declared objects that are not applied, with why. */
	skipped: SkippedObject[];
	/** Inventory entries kept as they are (their file is held back). */
	held: ObjectRef[];
}

export interface PlanInput {
	desired: readonly DesiredObject[];
	inventory: readonly ObjectRef[];
	/** Files with errors: neither applied nor pruned from. */
	heldFiles: ReadonlySet<string>;
	prune: boolean;
	/** Only these object keys (a manual sync of some objects); all when absent. */
	only?: ReadonlySet<string>;
	/** How to build an object's manifest (a caller may cache `manifestOf`). */
	manifest?: (o: DesiredObject) => Record<string, unknown>;
}

/**
 * Component configuration kinds: files, not API objects (kube-scheduler, kube-proxy and kubelet
 * read them from disk). In converge they are declared inside ConfigMaps; never applied.
 */
const CONFIG_GROUPS = new Set(['kubescheduler.config.k8s.io', 'kubeproxy.config.k8s.io', 'kubelet.config.k8s.io', 'kubeadm.k8s.io', 'apiserver.config.k8s.io']);

export function isConfigFileKind(apiVersion: string): boolean {
	return CONFIG_GROUPS.has(apiVersion.split('/')[0]);
}

/** The object as applied: its declaration with the tracking annotation added. */
export function manifestOf(o: DesiredObject): Record<string, unknown> {
	const manifest = structuredClone(o.object);
	const metadata = (manifest.metadata ??= {}) as Record<string, unknown>;
	const annotations = metadata.annotations && typeof metadata.annotations === 'object' ? (metadata.annotations as Record<string, unknown>) : {};
	metadata.annotations = { ...annotations, [SOURCE_ANNOTATION]: `${o.path}#${o.doc}` };
	// The analyzer defaults a namespaced object's namespace; the request URL must agree with it.
	if (o.namespace && metadata.namespace === undefined) metadata.namespace = o.namespace;
	return manifest;
}

export const refOf = ({ key, apiVersion, kind, namespace, name, path, doc }: ObjectRef): ObjectRef =>
	namespace === undefined ? { key, apiVersion, kind, name, path, doc } : { key, apiVersion, kind, namespace, name, path, doc };

export function planApply(input: PlanInput): ApplyPlan {
	const previous = new Map(input.inventory.map((r) => [r.key, r]));
	const selected = (key: string) => !input.only || input.only.has(key);
	const steps: ApplyStep[] = [];
	const skipped: SkippedObject[] = [];
	const declared = new Set<string>();
	for (const o of input.desired) {
		declared.add(o.key);
		const ref = refOf(o);
		if (input.heldFiles.has(o.path)) {
			skipped.push({ ref, reason: `${o.path} has errors; the cluster keeps its last applied state` });
			continue;
		}
		if (isConfigFileKind(o.apiVersion)) {
			skipped.push({ ref, reason: `${o.kind} is a component configuration file, not an API object; declare it inside a ConfigMap` });
			continue;
		}
		if (!selected(o.key)) continue;
		const before = previous.get(o.key);
		const moved = before && before.path !== o.path && !input.heldFiles.has(before.path) ? before.path : undefined;
		steps.push({ ref, manifest: (input.manifest ?? manifestOf)(o), manager: managerOf(o.path), force: !!moved, ...(moved ? { releaseFrom: moved } : {}) });
	}
	const held: ObjectRef[] = [];
	const gone: ObjectRef[] = [];
	for (const r of input.inventory) {
		if (declared.has(r.key)) continue;
		if (input.heldFiles.has(r.path)) held.push(r);
		else gone.push(r);
	}
	const prune = pruneOrder(gone).map((ref): PruneStep => ({ ref, action: input.prune && selected(ref.key) ? 'prune' : 'would-prune' }));
	return { waves: syncWaves(steps, (s) => s.ref), prune, skipped, held };
}

/**
 * The inventory after a sync: what was applied (at its new place), what was held or failed
 * (kept as it was), and what was reported as "would prune" (still live, still ours).
 */
export function nextInventory(plan: ApplyPlan, previous: readonly ObjectRef[], applied: ReadonlySet<string>, pruned: ReadonlySet<string>): ObjectRef[] {
	const out = new Map<string, ObjectRef>();
	for (const r of previous) if (!pruned.has(r.key)) out.set(r.key, r);
	for (const s of plan.waves.flat()) if (applied.has(s.ref.key)) out.set(s.ref.key, s.ref);
	return [...out.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
