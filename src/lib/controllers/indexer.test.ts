import { describe, expect, it } from 'vitest';
import { Indexer } from './indexer';
import type { KubeObject, OwnerReference } from './types';

const ref = (uid: string, controller = true): OwnerReference => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: uid, uid, controller });
const pod = (name: string, namespace: string, owners: OwnerReference[] = []): KubeObject => ({ metadata: { name, namespace, uid: `uid-${name}`, ownerReferences: owners } });
const names = (objs: KubeObject[]) => objs.map((o) => o.metadata.name).sort();

describe('Indexer', () => {
	it('indexes by namespace, by owner uid and the orphans of each namespace', () => {
		const ix = new Indexer();
		ix.set(pod('a', 'default', [ref('rs-1')]));
		ix.set(pod('b', 'default', [ref('rs-1', false)]));
		ix.set(pod('c', 'default'));
		ix.set(pod('d', 'other'));
		expect(names(ix.byNamespace('default'))).toEqual(['a', 'b', 'c']);
		expect(names(ix.byOwner('rs-1'))).toEqual(['a', 'b']);
		// A reference without `controller: true` leaves the pod an orphan.
		expect(names(ix.orphans('default'))).toEqual(['b', 'c']);
		expect(names(ix.orphans('other'))).toEqual(['d']);
	});

	it('moves an object between indexes when it is adopted, released or deleted', () => {
		const ix = new Indexer();
		ix.set(pod('a', 'default'));
		ix.set(pod('a', 'default', [ref('rs-1')]));
		expect(names(ix.orphans('default'))).toEqual([]);
		expect(names(ix.byOwner('rs-1'))).toEqual(['a']);
		ix.set(pod('a', 'default'));
		expect(names(ix.orphans('default'))).toEqual(['a']);
		expect(ix.byOwner('rs-1')).toEqual([]);
		ix.delete('default/a');
		expect(ix.orphans('default')).toEqual([]);
		expect(ix.byNamespace('default')).toEqual([]);
		expect(ix.size).toBe(0);
	});
});
