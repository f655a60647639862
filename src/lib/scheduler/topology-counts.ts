/**
 * Pod counts per topology domain that survive from one cycle to the next: the state the real
 * plugins rebuild in every PreFilter/PreScore (PodTopologySpread's TpPairToMatchNum,
 * InterPodAffinity's affinityCounts / antiAffinityCounts / existingAntiAffinityCounts and its
 * topologyScore) by walking every pod of the cluster. Here a count belongs to one snapshot's node
 * list and a node's share is recounted only when its pods changed (`NodeInfo.generation`), so a
 * cycle costs O(nodes) comparisons instead of O(pods) label matches. The counts equal a full scan
 * exactly (the plugins' tests and the benchmark's result hash check it).
 *
 * A count is valid only while what decides it stays put: the memo key must name everything the
 * domain and the match depend on besides the node's own labels and pods (a term whose namespace
 * selector reads namespace labels is not memoized).
 *
 * @module
 */
import { termMatches, type AffinityTerm, type NodeInfo, type PodInfo } from './node-info';
import type { Snapshot } from './snapshot';
import type { Pod } from './types';

export interface DomainCounts {
	/** Domain → matching pods; the domain of every counted node is present, at 0 too. */
	readonly counts: ReadonlyMap<string, number>;
	/** The sum of all counts (0: nothing matched anywhere). */
	readonly total: number;
}

/** The domain a node's pods count in, or undefined when the node is left out. */
export type DomainOf = (ni: NodeInfo) => string | undefined;

class Counter implements DomainCounts {
	readonly counts = new Map<string, number>();
	total = 0;
	/** Positions of the counted nodes, their domains, the generation and count last seen. */
	private readonly at: number[] = [];
	private readonly domains: string[] = [];
	private readonly gens: number[] = [];
	private readonly shares: number[] = [];
	/** Node position → index into the lists above (−1: not counted). */
	private readonly slot: Int32Array;
	private readonly nodes: readonly NodeInfo[];
	/** Where in the snapshot's change log the last look ended. */
	private seen: number;

	constructor(
		private readonly snap: Snapshot,
		domainOf: DomainOf,
		private readonly count: (ni: NodeInfo) => number
	) {
		const nodes = (this.nodes = snap.nodes);
		this.slot = new Int32Array(nodes.length).fill(-1);
		this.seen = snap.changes?.end ?? 0;
		for (let i = 0; i < nodes.length; i++) {
			const d = domainOf(nodes[i]);
			if (d === undefined) continue;
			const n = count(nodes[i]);
			this.slot[i] = this.at.length;
			this.at.push(i);
			this.domains.push(d);
			this.gens.push(nodes[i].generation);
			this.shares.push(n);
			this.counts.set(d, (this.counts.get(d) ?? 0) + n);
			this.total += n;
		}
	}

	/** Recounts the nodes whose pods changed since the last look (those logged, or else every node). */
	refresh(): this {
		const log = this.snap.changes;
		if (log) {
			const logged = log.forEachSince(this.seen, (ni) => {
				const j = this.slot[this.snap.position.get(ni.name)!];
				if (j >= 0) this.recount(j);
			});
			this.seen = log.end;
			if (logged) return this;
		}
		for (let j = 0; j < this.at.length; j++) this.recount(j);
		return this;
	}

	private recount(j: number): void {
		const ni = this.nodes[this.at[j]];
		if (ni.generation === this.gens[j]) return;
		this.gens[j] = ni.generation;
		const n = this.count(ni);
		const delta = n - this.shares[j];
		if (delta === 0) return;
		this.shares[j] = n;
		this.counts.set(this.domains[j], this.counts.get(this.domains[j])! + delta);
		this.total += delta;
	}
}

/** Per snapshot: memo key → counter (bounded; a snapshot lives until the node set changes). */
const memos = new WeakMap<Snapshot, Map<string, Counter>>();
const MAX_MEMOS = 64;

function memoOf(snap: Snapshot): Map<string, Counter> {
	let m = memos.get(snap);
	if (!m) memos.set(snap, (m = new Map()));
	return m;
}

/**
 * Matching pods per domain over the snapshot's nodes. `key` names the count (undefined: count
 * afresh, nothing kept); `count` counts one node's matching pods.
 */
export function domainCounts(snap: Snapshot, key: string | undefined, domainOf: DomainOf, count: (ni: NodeInfo) => number): DomainCounts {
	if (key === undefined) return new Counter(snap, domainOf, count);
	const memo = memoOf(snap);
	const c = memo.get(key);
	if (c) return c.refresh();
	if (memo.size >= MAX_MEMOS) memo.clear();
	const fresh = new Counter(snap, domainOf, count);
	memo.set(key, fresh);
	return fresh;
}

const sigs = new WeakMap<AffinityTerm, string>();

/** A term's identity for sharing counts: namespaces, selectors and topology key. */
export function termSignature(t: AffinityTerm): string {
	let s = sigs.get(t);
	if (s === undefined) sigs.set(t, (s = JSON.stringify([[...t.namespaces].sort(), t.nsSelector, t.selector, t.topologyKey])));
	return s;
}

/** Whether matching the term reads namespace labels (then its counts cannot be kept). */
export function readsNamespaceLabels(t: AffinityTerm): boolean {
	return !t.nsSelector.nothing && t.nsSelector.requirements.length > 0;
}

/** Existing pods' terms, by kind: the incoming pod is matched against them. */
export type TermKind = 'requiredAffinity' | 'requiredAntiAffinity' | 'preferredAffinity' | 'preferredAntiAffinity';

const TERMS: Record<TermKind, (pi: PodInfo) => ReadonlyArray<AffinityTerm & { weight?: number }>> = {
	requiredAffinity: (pi) => pi.requiredAffinityTerms,
	requiredAntiAffinity: (pi) => pi.requiredAntiAffinityTerms,
	preferredAffinity: (pi) => pi.preferredAffinityTerms,
	preferredAntiAffinity: (pi) => pi.preferredAntiAffinityTerms
};

const KINDS = Object.keys(TERMS) as TermKind[];

/** All existing pods' terms of one kind and signature, summed per domain of their nodes. */
export interface TermGroup {
	readonly kind: TermKind;
	/** One of the identical terms (they all match the same pods). */
	readonly term: AffinityTerm;
	/** Domain (the node's value of the term's topology key) → Σ weight (1 for required terms). */
	readonly weights: Map<string, number>;
	/** Domain → number of terms counted there. */
	readonly terms: Map<string, number>;
	/** Terms counted in all domains. */
	size: number;
}

interface Share {
	group: string;
	domain: string;
	weight: number;
}

/** Existing pods' affinity terms grouped by kind and signature, kept current like a Counter. */
class TermIndex {
	readonly groups = new Map<string, TermGroup>();
	private readonly gens: number[];
	private readonly shares: Share[][];
	private readonly nodes: readonly NodeInfo[];
	/** Where in the snapshot's change log the last look ended. */
	private seen: number;

	constructor(private readonly snap: Snapshot) {
		this.nodes = snap.nodes;
		this.seen = snap.changes?.end ?? 0;
		this.gens = this.nodes.map((n) => n.generation);
		this.shares = this.nodes.map((ni) => this.add(ni));
	}

	private add(ni: NodeInfo): Share[] {
		const out: Share[] = [];
		const labels = ni.node.metadata.labels;
		if (ni.podsWithAffinity.length === 0 || !labels) return out;
		for (const e of ni.podsWithAffinity)
			for (const kind of KINDS)
				for (const t of TERMS[kind](e)) {
					const domain = labels[t.topologyKey];
					if (domain === undefined) continue;
					const key = `${kind}\0${termSignature(t)}`;
					let g = this.groups.get(key);
					if (!g) this.groups.set(key, (g = { kind, term: t, weights: new Map(), terms: new Map(), size: 0 }));
					const share = { group: key, domain, weight: t.weight ?? 1 };
					this.apply(g, share, 1);
					out.push(share);
				}
		return out;
	}

	private apply(g: TermGroup, s: Share, sign: 1 | -1): void {
		const n = (g.terms.get(s.domain) ?? 0) + sign;
		g.size += sign;
		if (n === 0) {
			g.terms.delete(s.domain);
			g.weights.delete(s.domain);
		} else {
			g.terms.set(s.domain, n);
			g.weights.set(s.domain, (g.weights.get(s.domain) ?? 0) + sign * s.weight);
		}
	}

	/** Re-adds the nodes whose pods changed since the last look (those logged, or else every node). */
	refresh(): this {
		const log = this.snap.changes;
		let logged = false;
		if (log) {
			logged = log.forEachSince(this.seen, (ni) => this.readd(this.snap.position.get(ni.name)!));
			this.seen = log.end;
		}
		if (!logged) for (let i = 0; i < this.nodes.length; i++) this.readd(i);
		for (const [k, g] of this.groups) if (g.size === 0) this.groups.delete(k);
		return this;
	}

	private readd(i: number): void {
		const ni = this.nodes[i];
		if (ni.generation === this.gens[i]) return;
		this.gens[i] = ni.generation;
		for (const s of this.shares[i]) this.apply(this.groups.get(s.group)!, s, -1);
		this.shares[i] = this.add(ni);
	}
}

const termIndexes = new WeakMap<Snapshot, TermIndex>();

/**
 * The groups of existing pods' terms of `kind` that match `pod` (namespace labels `podNs`) and
 * count somewhere, in first-seen order.
 */
export function matchingTermGroups(snap: Snapshot, pod: Pod, podNs: Record<string, string> | undefined, kinds: readonly TermKind[]): TermGroup[] {
	let idx = termIndexes.get(snap);
	if (idx) idx.refresh();
	else termIndexes.set(snap, (idx = new TermIndex(snap)));
	const out: TermGroup[] = [];
	for (const g of idx.groups.values()) if (g.size > 0 && kinds.includes(g.kind) && termMatches(g.term, pod, podNs)) out.push(g);
	return out;
}
