import { describe, expect, it } from 'vitest';
import type { KubeObject, ResourceRef } from '../../src/lib/controllers/types';
import { reconcileNamespace, type NamespaceDeps } from './namespace';
import { fixture } from './testing/fixture';

const NOW = Date.UTC(2026, 0, 1, 12);
const T = '2026-01-01T12:00:00Z';

const ns = (extra: Partial<KubeObject> = {}): KubeObject => ({
	metadata: { name: 'doomed', uid: 'ns-uid', resourceVersion: '9', deletionTimestamp: T },
	spec: { finalizers: ['kubernetes'] },
	status: { phase: 'Terminating' },
	...extra
});

/** `content`: resource plural → objects the API lists in the namespace (deleted ones vanish unless they carry finalizers). */
function setup(namespace: KubeObject, content: Record<string, KubeObject[]>) {
	const { ctx, calls } = fixture({ namespaces: [namespace] }, NOW);
	const requeues: string[] = [];
	Object.assign(ctx.client, {
		list: async (r: ResourceRef) => ({ items: content[r.resource] ?? [], resourceVersion: '1' }),
		delete: async (r: ResourceRef, _ns: string, name: string, opts: object) => {
			calls.push(`delete ${r.resource} ${name} ${JSON.stringify(opts)}`);
			content[r.resource] = content[r.resource].flatMap((o) =>
				o.metadata.name !== name ? [o] : o.metadata.finalizers?.length ? [{ ...o, metadata: { ...o.metadata, deletionTimestamp: T } }] : []
			);
		},
		updateStatus: async (r: ResourceRef, o: KubeObject) => (calls.push(`status ${r.resource} ${JSON.stringify(o.status.conditions.filter((c: { status: string }) => c.status === 'True').map((c: { message: string }) => c.message))}`), o),
		update: async (r: ResourceRef, o: KubeObject) => (calls.push(`put ${o.metadata.namespace}/${r.resource} ${JSON.stringify(JSON.parse(JSON.stringify(o)).spec)}`), o)
	});
	const deps: NamespaceDeps = { ctx, enqueueAfter: (k, ms) => requeues.push(`${k} +${ms}`) };
	return { deps, calls, requeues };
}

const obj = (name: string, finalizers?: string[]): KubeObject => ({ metadata: { name, namespace: 'doomed', ...(finalizers ? { finalizers } : {}) } });

describe('reconcileNamespace', () => {
	it('deletes the content with Background propagation, writes the conditions, then finalizes', async () => {
		const { deps, calls } = setup(ns(), { configmaps: [obj('a')], deployments: [obj('web')] });
		await reconcileNamespace('doomed', deps);
		expect(calls).toEqual([
			'delete configmaps a {"propagationPolicy":"Background"}',
			'delete deployments web {"propagationPolicy":"Background"}',
			'status namespaces []',
			'put doomed/finalize {"finalizers":[]}'
		]);
	});

	it('waits for content held by finalizers, saying so in the conditions', async () => {
		const { deps, calls, requeues } = setup(ns(), { configmaps: [obj('kept', ['example.com/keep'])] });
		await reconcileNamespace('doomed', deps);
		expect(calls).toEqual([
			'delete configmaps kept {"propagationPolicy":"Background"}',
			'status namespaces ["Some resources are remaining: configmaps. has 1 resource instances","Some content in the namespace has finalizers remaining: example.com/keep in 1 resource instances"]'
		]);
		expect(requeues).toEqual(['doomed +8000']);
	});

	it('leaves a namespace alone once `kubernetes` is gone, or while it is not being deleted', async () => {
		const finalized = setup(ns({ spec: {} }), { configmaps: [obj('a')] });
		await reconcileNamespace('doomed', finalized.deps);
		const active: KubeObject = { metadata: { name: 'doomed' }, spec: { finalizers: ['kubernetes'] } };
		const live = setup(active, { configmaps: [obj('a')] });
		await reconcileNamespace('doomed', live.deps);
		expect([...finalized.calls, ...live.calls]).toEqual([]);
	});
});
