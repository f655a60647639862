/**
 * What a ReplicaSet's status counts of its pods, kept up to date pod by pod. The real controller
 * re-reads every pod of the ReplicaSet on every sync; with 10,000 pods changing, syncs run back
 * to back and each one walked all 10,000. Here pod events only mark the pod changed for its
 * controller (old and new), and a sync recounts just those: the counts are the ones
 * `replicaSetStatus` would compute from the full list at that moment, because every input of a
 * pod's contribution is either the pod (marked when it changes) or the ReplicaSet's selector,
 * template labels, minReadySeconds and deletion (a change of which rebuilds the tally).
 *
 * The tally also says when the full path is needed: owned pods the selector no longer matches
 * (to release) are counted apart.
 *
 * @module
 */
import type { LabelSelector } from '../kube/label-selector';
import { isPodActive, isPodReady } from './pods';
import { controllerRef, keyOf, type KubeObject } from './types';
import { hasTemplateLabels, selectorOf, selects, type ReplicaCounts } from './workload';

interface Facts {
	matches: boolean;
	fullyLabeled: boolean;
	ready: boolean;
}

export interface Tally extends ReplicaCounts {
	/** Active pods it controls that its selector does not match (the full path releases them). */
	mismatched: number;
}

interface Entry extends Tally {
	spec: string;
	facts: Map<string, Facts>;
}

/** Where the tally reads pods: the pod informer's cache. */
export interface PodSource {
	get(key: string): KubeObject | undefined;
	byOwner(uid: string): KubeObject[];
}

export class ReplicaTally {
	private entries = new Map<string, Entry>();
	/** ReplicaSet uid → keys of its pods that changed since its last count. */
	private dirty = new Map<string, Set<string>>();

	/** A pod changed (added, updated, deleted): the ReplicaSets controlling it before and after recount it. */
	touched(pod: KubeObject, old?: KubeObject): void {
		const key = keyOf(pod);
		for (const uid of [controllerRef(pod)?.uid, old && controllerRef(old)?.uid]) {
			if (!uid || !this.entries.has(uid)) continue;
			let keys = this.dirty.get(uid);
			if (!keys) this.dirty.set(uid, (keys = new Set()));
			keys.add(key);
		}
	}

	/** The ReplicaSet is gone. */
	forget(uid: string): void {
		this.entries.delete(uid);
		this.dirty.delete(uid);
	}

	/** The counts over the active pods `rs` controls, as of the pods' cache now. */
	count(rs: KubeObject, pods: PodSource): Tally {
		const uid = rs.metadata.uid!;
		const spec = JSON.stringify([rs.spec?.selector, rs.spec?.template?.metadata?.labels, rs.spec?.minReadySeconds, rs.metadata.deletionTimestamp, rs.metadata.namespace]);
		let e = this.entries.get(uid);
		const changed = this.dirty.get(uid);
		this.dirty.delete(uid);
		const sel = selectorOf(rs);
		if (!e || e.spec !== spec) {
			e = { spec, facts: new Map(), replicas: 0, fullyLabeled: 0, ready: 0, available: 0, mismatched: 0 };
			this.entries.set(uid, e);
			for (const pod of pods.byOwner(uid)) this.update(e, rs, sel, keyOf(pod), pod);
		} else if (changed) for (const key of changed) this.update(e, rs, sel, key, pods.get(key));
		return { replicas: e.replicas, fullyLabeled: e.fullyLabeled, ready: e.ready, available: e.available, mismatched: e.mismatched };
	}

	private update(e: Entry, rs: KubeObject, sel: LabelSelector, key: string, pod: KubeObject | undefined): void {
		const before = e.facts.get(key);
		if (before) add(e, before, -1);
		const now = pod && factsOf(rs, sel, pod);
		if (now) {
			e.facts.set(key, now);
			add(e, now, 1);
		} else e.facts.delete(key);
	}
}

/** The pod's part in the counts, or undefined when `rs` does not count it (not active, not controlled by it). */
function factsOf(rs: KubeObject, sel: LabelSelector, pod: KubeObject): Facts | undefined {
	if (pod.metadata.namespace !== rs.metadata.namespace || controllerRef(pod)?.uid !== rs.metadata.uid || !isPodActive(pod)) return undefined;
	return { matches: selects(sel, pod), fullyLabeled: hasTemplateLabels(rs, pod), ready: isPodReady(pod) };
}

function add(e: Entry, f: Facts, sign: 1 | -1): void {
	if (!f.matches) {
		e.mismatched += sign;
		return;
	}
	e.replicas += sign;
	if (f.fullyLabeled) e.fullyLabeled += sign;
	if (f.ready) e.ready += sign;
	// Only used with minReadySeconds 0, where available means ready.
	if (f.ready) e.available += sign;
}
