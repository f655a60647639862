import { describe, expect, it } from 'vitest';
import { kindRank, pruneOrder, syncWaves } from './waves';

const o = (kind: string, name: string, namespace?: string) => ({ kind, name, namespace });

describe('sync waves', () => {
	it('orders a full document like Helm/Argo CD: Namespace, config, Service, workloads, custom resources last', () => {
		const waves = syncWaves([
			o('Deployment', 'web', 'shop'),
			o('Widget', 'w1', 'shop'),
			o('Service', 'web', 'shop'),
			o('ConfigMap', 'cfg', 'shop'),
			o('CustomResourceDefinition', 'widgets.example.com'),
			o('Namespace', 'shop'),
			o('ServiceAccount', 'runner', 'shop'),
			o('Secret', 'token', 'shop'),
			o('PersistentVolumeClaim', 'data', 'shop'),
			o('PriorityClass', 'high')
		]);
		expect(waves.map((w) => w.map((x) => x.kind))).toEqual([
			['PriorityClass'],
			['Namespace'],
			['ServiceAccount'],
			['Secret'],
			['ConfigMap'],
			['PersistentVolumeClaim'],
			['CustomResourceDefinition'],
			['Service'],
			['Deployment'],
			['Widget']
		]);
	});

	it('puts objects of one kind in one wave, sorted by namespace then name', () => {
		const waves = syncWaves([o('ConfigMap', 'b', 'x'), o('ConfigMap', 'a', 'y'), o('ConfigMap', 'a', 'x')]);
		expect(waves).toHaveLength(1);
		expect(waves[0].map((x) => `${x.namespace}/${x.name}`)).toEqual(['x/a', 'x/b', 'y/a']);
	});

	it('ranks unknown kinds after every known one', () => {
		expect(kindRank('Widget')).toBeGreaterThan(kindRank('APIService'));
		expect(kindRank('Namespace')).toBeLessThan(kindRank('CustomResourceDefinition'));
	});

	it('prunes in reverse: workloads before their config, Namespaces last', () => {
		const order = pruneOrder([o('Namespace', 'shop'), o('ConfigMap', 'c', 'shop'), o('Deployment', 'd', 'shop')]).map((x) => x.kind);
		expect(order).toEqual(['Deployment', 'ConfigMap', 'Namespace']);
	});
});
