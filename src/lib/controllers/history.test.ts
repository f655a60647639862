import { describe, expect, it } from 'vitest';
import { historyStep, newRevision, revisionData, revisionsToPrune } from './history';
import type { KubeObject, OwnerReference } from './types';

const ref: OwnerReference = { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: 'u1', controller: true, blockOwnerDeletion: true };
const ds = (image: string): KubeObject => ({
	metadata: { name: 'agent', namespace: 'work', uid: 'u1', annotations: { 'kubernetes.io/change-cause': `image ${image}` } },
	spec: { template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image }] } } }
});
const rev = (image: string, n: number, hash = image) => newRevision(ds(image), ref, hash, n);

describe('controller history', () => {
	it('stores the template as a replace patch, with its labels, the change cause and the owner', () => {
		expect(revisionData(ds('busybox'))).toEqual({ spec: { template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'busybox' }] }, $patch: 'replace' } } });
		const r = newRevision(ds('busybox'), ref, 'abc', 1, { 'controller-revision-hash': 'abc' });
		expect(r.metadata).toMatchObject({ name: 'agent-abc', labels: { app: 'agent', 'controller-revision-hash': 'abc' }, annotations: { 'kubernetes.io/change-cause': 'image busybox' }, ownerReferences: [ref] });
		expect(r.revision).toBe(1);
	});

	it('creates revision max+1 for a new template, keeps the newest equal one, bumps an old equal one', () => {
		expect(historyStep(ds('a'), ref, 'a', [])).toMatchObject({ create: { revision: 1, metadata: { name: 'agent-a' } } });
		const history = [rev('a', 1), rev('b', 2)];
		expect(historyStep(ds('c'), ref, 'c', history)).toMatchObject({ create: { revision: 3 } });
		expect(historyStep(ds('b'), ref, 'b', history)).toMatchObject({ current: { metadata: { name: 'agent-b' } } });
		// Rolling back to a's template moves that revision to the top.
		expect(historyStep(ds('a'), ref, 'a', history)).toMatchObject({ bump: { metadata: { name: 'agent-a' } }, to: 3 });
	});

	it('prunes the oldest revisions beyond the limit, never the current one or one a pod runs', () => {
		const history = [rev('a', 1), rev('b', 2), rev('c', 3), rev('d', 4), rev('e', 5)];
		const names = (rs: KubeObject[]) => rs.map((r) => r.metadata.name);
		expect(names(revisionsToPrune(history, new Set(), 'agent-e', 2))).toEqual(['agent-a', 'agent-b']);
		expect(names(revisionsToPrune(history, new Set(['agent-a']), 'agent-e', 2))).toEqual(['agent-b']);
		expect(revisionsToPrune(history, new Set(), 'agent-e', 10)).toEqual([]);
	});
});
