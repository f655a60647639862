/**
 * The Sync view's model: the applier's per-object state (the `sync` room event) joined with the
 * live cluster into rows of a resource tree, badge looks in Argo CD's colours, room counts, and
 * field owners as text. Pure, so it is unit tested.
 *
 * @module
 */
import type { KubeObject } from '$lib/controllers/types';
import type { SyncEvent, SyncObjectState } from '$lib/collab/protocol';
import { buildTree, type TreeNode } from '$lib/sync/tree';
import type { FieldOwner, HealthStatusCode, SyncStatusCode } from '$lib/sync/types';

export interface Badge {
	label: string;
	icon: string;
	color: string;
}

/** Argo CD's UI colours and icons (ARGO_SUCCESS_COLOR, ARGO_RUNNING_COLOR, ...), as text glyphs. */
export const SYNC_BADGES: Record<SyncStatusCode, Badge> = {
	Synced: { label: 'Synced', icon: '✔', color: '#18be94' },
	OutOfSync: { label: 'OutOfSync', icon: '↻', color: '#f4c030' },
	Missing: { label: 'Missing', icon: '◌', color: '#f4c030' },
	Extraneous: { label: 'Extraneous', icon: '✂', color: '#f4c030' },
	Unknown: { label: 'Unknown', icon: '?', color: '#ccd6dd' }
};

export const HEALTH_BADGES: Record<HealthStatusCode, Badge> = {
	Healthy: { label: 'Healthy', icon: '♥', color: '#18be94' },
	Progressing: { label: 'Progressing', icon: '◔', color: '#0dadea' },
	Degraded: { label: 'Degraded', icon: '✖', color: '#e96d76' },
	Suspended: { label: 'Suspended', icon: '⏸', color: '#766f94' },
	Missing: { label: 'Missing', icon: '◌', color: '#f4c030' },
	Unknown: { label: 'Unknown', icon: '?', color: '#ccd6dd' }
};

export interface Row {
	/** Unique in the tree (a child may appear under one parent only, but keys repeat across declared copies). */
	id: string;
	depth: number;
	node: TreeNode;
	/** The applier's state, on declared (top-level) rows. */
	state?: SyncObjectState;
	hasChildren: boolean;
	expanded: boolean;
}

/** The declared objects' subtrees, flattened in display order (children only under expanded rows). */
export function treeRows(sync: SyncEvent | undefined, live: KubeObject[], collapsed: ReadonlySet<string>): Row[] {
	const objects = sync?.objects ?? [];
	const tree = buildTree(
		objects.map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, namespace: o.namespace, name: o.name, path: o.path, doc: o.doc, line: o.line })),
		live
	);
	const rows: Row[] = [];
	const add = (n: TreeNode, depth: number, parent: string, state?: SyncObjectState) => {
		const id = `${parent}>${n.key}`;
		const expanded = !collapsed.has(id);
		rows.push({ id, depth, node: n, state, hasChildren: n.children.length > 0, expanded });
		if (expanded) for (const c of n.children) add(c, depth + 1, id);
	};
	tree.forEach((n, i) => add(n, 0, String(i), objects[i]));
	return rows;
}

export interface Counts {
	sync: Partial<Record<SyncStatusCode, number>>;
	health: Partial<Record<HealthStatusCode, number>>;
	total: number;
}

export function counts(sync: SyncEvent | undefined): Counts {
	const out: Counts = { sync: {}, health: {}, total: 0 };
	for (const o of sync?.objects ?? []) {
		out.total++;
		out.sync[o.sync] = (out.sync[o.sync] ?? 0) + 1;
		out.health[o.health.status] = (out.health[o.health.status] ?? 0) + 1;
	}
	return out;
}

/** The room's overall sync: OutOfSync when any object is not Synced (Argo CD's app rollup). */
export function roomSync(c: Counts): SyncStatusCode {
	if (!c.total) return 'Unknown';
	return (c.sync.Synced ?? 0) === c.total ? 'Synced' : 'OutOfSync';
}

/** Relative age like kubectl's (`12s`, `3m`, `2h`, `4d`). */
export function age(from: string | number | undefined, now: number): string {
	const t = typeof from === 'string' ? Date.parse(from) : from;
	if (t === undefined || Number.isNaN(t)) return '';
	const s = Math.max(0, Math.floor((now - t) / 1000));
	if (s < 120) return `${s}s`;
	if (s < 7200) return `${Math.floor(s / 60)}m`;
	if (s < 172800) return `${Math.floor(s / 3600)}h`;
	return `${Math.floor(s / 86400)}d`;
}

/** `kubectl (Update, scale) 3m ago`. */
export function ownerText(o: FieldOwner, now: number): string {
	const how = [o.operation, o.subresource].filter(Boolean).join(', ');
	const when = o.time ? ` ${age(o.time, now)} ago` : '';
	return `${o.manager}${how ? ` (${how})` : ''}${when}`;
}

/** Short one-line rendering of a field value for lists. */
export function valueText(v: unknown): string {
	if (v === undefined) return '—';
	const s = typeof v === 'string' ? v : JSON.stringify(v);
	return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
