import { describe, expect, it } from 'vitest';
import type { SyncEvent, SyncObjectState } from '$lib/collab/protocol';
import type { KubeObject } from '$lib/controllers/types';
import { age, counts, ownerText, roomSync, treeRows } from './sync-model';

const state = (kind: string, name: string, sync: SyncObjectState['sync'], health: SyncObjectState['health']['status'], line = 1): SyncObjectState => ({
	key: `${kind === 'Deployment' ? 'apps' : ''}/${kind}/default/${name}`,
	apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1',
	kind,
	namespace: 'default',
	name,
	path: 'app/web.yaml',
	doc: 0,
	line,
	sync,
	health: { status: health },
	liveManagers: [],
	differences: []
});
const event = (objects: SyncObjectState[]): SyncEvent => ({ type: 'sync', settings: { autoSync: true, prune: false, selfHeal: false }, summary: { sync: {}, health: {} }, objects });

describe('sync view model', () => {
	const sync = event([state('Deployment', 'web', 'OutOfSync', 'Progressing'), state('ConfigMap', 'cfg', 'Synced', 'Healthy', 20), state('ConfigMap', 'old', 'Extraneous', 'Healthy', 0)]);
	const rs: KubeObject = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-5d9c8b6f4', namespace: 'default', uid: 'rs1', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd1', controller: true }] } };
	const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-5d9c8b6f4-x', namespace: 'default', uid: 'p1', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d9c8b6f4', uid: 'rs1', controller: true }] }, status: { phase: 'Pending' } };

	it('flattens the tree, children under expanded rows only', () => {
		const rows = treeRows(sync, [rs, pod], new Set());
		expect(rows.map((r) => `${'  '.repeat(r.depth)}${r.node.kind}/${r.node.name}${r.state ? ` ${r.state.sync}` : ` ${r.node.health.status}`}`)).toEqual([
			'Deployment/web OutOfSync',
			'  ReplicaSet/web-5d9c8b6f4 Healthy',
			'    Pod/web-5d9c8b6f4-x Progressing',
			'ConfigMap/cfg Synced',
			'ConfigMap/old Extraneous'
		]);
		const collapsed = treeRows(sync, [rs, pod], new Set([rows[0].id]));
		expect(collapsed.map((r) => r.node.name)).toEqual(['web', 'cfg', 'old']);
		expect(collapsed[0]).toMatchObject({ hasChildren: true, expanded: false });
	});

	it('counts objects by sync and health and rolls the room up like Argo CD', () => {
		const c = counts(sync);
		expect(c).toEqual({ total: 3, sync: { OutOfSync: 1, Synced: 1, Extraneous: 1 }, health: { Progressing: 1, Healthy: 2 } });
		expect(roomSync(c)).toBe('OutOfSync');
		expect(roomSync(counts(event([state('ConfigMap', 'cfg', 'Synced', 'Healthy')])))).toBe('Synced');
		expect(roomSync(counts(undefined))).toBe('Unknown');
	});

	it('writes owners and ages like kubectl', () => {
		const now = Date.parse('2026-11-26T02:20:00Z');
		expect(ownerText({ manager: 'kubectl', operation: 'Update', subresource: 'scale', time: '2026-11-26T02:16:24Z' }, now)).toBe('kubectl (Update, scale) 3m ago');
		expect(ownerText({ manager: 'converge:app/web.yaml', operation: 'Apply' }, now)).toBe('converge:app/web.yaml (Apply)');
		expect(age('2026-11-26T02:19:15Z', now)).toBe('45s');
		expect(age(now - 3 * 86400_000, now)).toBe('3d');
	});
});
