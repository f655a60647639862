import { describe, expect, it } from 'vitest';
import { ApiError, type KubeObject, type ResourceRef } from '../../src/lib/controllers/types';
import { SCHEDULING_DECISION_CRD } from '../../src/lib/scheduler/decision-record';
import { GarbageCollector } from './garbagecollector';
import { fixture } from './testing/fixture';

const NOW = Date.UTC(2026, 0, 1, 12);
const DELETED = new Date(NOW).toISOString();

const ref = (kind: string, name: string, uid: string, block = true) => ({ apiVersion: 'apps/v1', kind, name, uid, controller: true, blockOwnerDeletion: block });

function obj(name: string, uid: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject {
	return { metadata: { name, namespace: 'default', uid, resourceVersion: '7', ...extra } };
}

/** A collector over cached objects; `live` answers the API reads the cache cannot (404 otherwise). */
function setup(objects: Record<string, KubeObject[]>, live: Record<string, KubeObject> = {}) {
	const { ctx, calls } = fixture(objects, NOW);
	Object.assign(ctx.client, {
		get: async (r: ResourceRef, _ns: string, name: string) => live[`${r.resource}/${name}`] ?? Promise.reject(new ApiError(404, 'NotFound', `${r.resource} "${name}" not found`)),
		patch: async (r: ResourceRef, _ns: string, name: string, type: string, patch: unknown) => (calls.push(`patch ${r.resource} ${name} ${type} ${JSON.stringify(patch)}`), { metadata: {} }),
		delete: async (r: ResourceRef, _ns: string, name: string, opts: object) => void calls.push(`delete ${r.resource} ${name} ${JSON.stringify(opts)}`)
	});
	return { gc: new GarbageCollector(ctx), calls };
}

describe('garbage collector', () => {
	it('deletes a dependent whose owner is gone, in the background, with a uid precondition', async () => {
		const { gc, calls } = setup({ pods: [obj('web-1', 'p1', { ownerReferences: [ref('ReplicaSet', 'web', 'rs-uid')] })] });
		await gc.sync('/pods|default/web-1');
		expect(calls).toEqual(['delete pods web-1 {"propagationPolicy":"Background","preconditions":{"uid":"p1"}}']);
	});

	it('treats an owner of the same name with another uid as gone', async () => {
		const { gc, calls } = setup({ replicasets: [obj('web', 'new-uid')], pods: [obj('web-1', 'p1', { ownerReferences: [ref('ReplicaSet', 'web', 'rs-uid')] })] }, { 'replicasets/web': obj('web', 'new-uid') });
		await gc.sync('/pods|default/web-1');
		expect(calls).toEqual(['delete pods web-1 {"propagationPolicy":"Background","preconditions":{"uid":"p1"}}']);
	});

	it('leaves dependents of a present owner alone (no write when converged)', async () => {
		const { gc, calls } = setup({ replicasets: [obj('web', 'rs-uid')], pods: [obj('web-1', 'p1', { ownerReferences: [ref('ReplicaSet', 'web', 'rs-uid')] })] });
		await gc.sync('/pods|default/web-1');
		expect(calls).toEqual([]);
	});

	it('asks the API before deleting when the owner is not cached yet', async () => {
		const { gc, calls } = setup({ pods: [obj('web-1', 'p1', { ownerReferences: [ref('ReplicaSet', 'web', 'rs-uid')] })] }, { 'replicasets/web': obj('web', 'rs-uid') });
		await gc.sync('/pods|default/web-1');
		expect(calls).toEqual([]);
	});

	it('drops only the dangling reference when another owner remains', async () => {
		const refs = [ref('ReplicaSet', 'old', 'gone-uid'), { ...ref('ReplicaSet', 'web', 'rs-uid'), controller: false }];
		const { gc, calls } = setup({ replicasets: [obj('web', 'rs-uid')], pods: [obj('web-1', 'p1', { ownerReferences: refs })] });
		await gc.sync('/pods|default/web-1');
		expect(calls).toEqual([`patch pods web-1 merge {"metadata":{"resourceVersion":"7","ownerReferences":[${JSON.stringify(refs[1])}]}}`]);
	});

	describe('foreground deletion', () => {
		const deployment = obj('web', 'd-uid', { deletionTimestamp: DELETED, finalizers: ['foregroundDeletion'] });
		const rs = obj('web-abc', 'rs-uid', { ownerReferences: [ref('Deployment', 'web', 'd-uid')] });
		const pod = obj('web-abc-1', 'p1', { ownerReferences: [ref('ReplicaSet', 'web-abc', 'rs-uid')] });

		it('deletes a dependent that has dependents of its own in the foreground', async () => {
			const { gc, calls } = setup({ deployments: [deployment], replicasets: [rs], pods: [pod] });
			await gc.sync('apps/replicasets|default/web-abc');
			expect(calls).toEqual(['delete replicasets web-abc {"propagationPolicy":"Foreground","preconditions":{"uid":"rs-uid"}}']);
		});

		it('keeps the owner while a blocking dependent remains, then removes the finalizer', async () => {
			const waiting = setup({ deployments: [deployment], replicasets: [rs] });
			await waiting.gc.sync('apps/deployments|default/web');
			expect(waiting.calls).toEqual([]);
			const done = setup({ deployments: [deployment], replicasets: [] });
			await done.gc.sync('apps/deployments|default/web');
			expect(done.calls).toEqual(['patch deployments web merge {"metadata":{"resourceVersion":"7","finalizers":null}}']);
		});

		it('does not wait for dependents without blockOwnerDeletion', async () => {
			const loose = obj('web-abc', 'rs-uid', { ownerReferences: [ref('Deployment', 'web', 'd-uid', false)] });
			const { gc, calls } = setup({ deployments: [deployment], replicasets: [loose] });
			await gc.sync('apps/deployments|default/web');
			expect(calls).toEqual(['patch deployments web merge {"metadata":{"resourceVersion":"7","finalizers":null}}']);
		});
	});

	it('orphans: removes the owner reference from every dependent, then the orphan finalizer', async () => {
		const deployment = obj('web', 'd-uid', { deletionTimestamp: DELETED, finalizers: ['orphan', 'example.com/keep'] });
		const rs = obj('web-abc', 'rs-uid', { ownerReferences: [ref('Deployment', 'web', 'd-uid')] });
		const { gc, calls } = setup({ deployments: [deployment], replicasets: [rs] });
		await gc.sync('apps/deployments|default/web');
		expect(calls).toEqual([
			'patch replicasets web-abc merge {"metadata":{"resourceVersion":"7","ownerReferences":null}}',
			'patch deployments web merge {"metadata":{"resourceVersion":"7","finalizers":["example.com/keep"]}}'
		]);
	});

	it('keeps only the metadata of custom resources, and collects them when their owner is gone', async () => {
		const { gc, calls } = setup({});
		const record = { apiVersion: 'scheduling.converge.dev/v1', kind: 'SchedulingDecision', ...obj('web-1', 'd1', { ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'web-1', uid: 'p1' }], managedFields: [{ manager: 'kube-scheduler' }] } as never), filter: { verdicts: ['big'] } };
		Object.assign(gc['ctx'].client, { list: async () => ({ items: [record], resourceVersion: '9' }), watch: () => ({ stop: () => {} }) });
		gc.resync([{ ...structuredClone(SCHEDULING_DECISION_CRD), status: { conditions: [{ type: 'Established', status: 'True' }] } }]);
		await new Promise((r) => setImmediate(r));
		const [cached] = gc.dependents('p1').map((d) => d.obj);
		expect(cached).toEqual({ apiVersion: record.apiVersion, kind: record.kind, metadata: obj('web-1', 'd1', { ownerReferences: record.metadata.ownerReferences }).metadata });
		await gc.sync('scheduling.converge.dev/schedulingdecisions|default/web-1');
		expect(calls).toEqual(['delete schedulingdecisions web-1 {"propagationPolicy":"Background","preconditions":{"uid":"d1"}}']);
	});

	it('keeps references to kinds no resource serves', async () => {
		const { gc, calls } = setup({ pods: [obj('x', 'p1', { ownerReferences: [{ apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', uid: 'w1' }] })] });
		await gc.sync('/pods|default/x');
		expect(calls).toEqual([]);
	});
});
