import { describe, expect, it } from 'vitest';
import { compareVersions, crdResources } from './resource-info';
import { namedStatus } from './status';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const NOW = '2026-01-01T00:00:00Z';
const crd = (name: string, names: Obj, extra: Obj = {}): Obj => ({
	metadata: { name },
	spec: {
		group: 'example.com',
		scope: 'Namespaced',
		names: { singular: names.kind.toLowerCase(), listKind: `${names.kind}List`, ...names },
		versions: [
			{ name: 'v1beta1', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object' } } },
			{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object' }, status: { type: 'object' } } } }, subresources: { status: {} } }
		]
	},
	...extra
});

describe('CRD serving', () => {
	it('orders versions like kube (GA, beta, alpha, then others)', () => {
		expect(['v1alpha1', 'foo', 'v2beta1', 'v1', 'v10', 'v2', 'v1beta2', 'bar'].sort(compareVersions)).toEqual(['v10', 'v2', 'v1', 'v2beta1', 'v1beta2', 'v1alpha1', 'bar', 'foo']);
	});

	it('accepts names and establishes, or reports the conflict', () => {
		const a = crd('widgets.example.com', { plural: 'widgets', kind: 'Widget', shortNames: ['wd'] });
		a.status = namedStatus(a, [], NOW);
		expect(a.status.acceptedNames).toEqual({ plural: 'widgets', singular: 'widget', shortNames: ['wd'], kind: 'Widget', listKind: 'WidgetList' });
		expect(a.status.conditions.map((c: Obj) => [c.type, c.status, c.reason, c.message])).toEqual([
			['NamesAccepted', 'True', 'NoConflicts', 'no conflicts found'],
			['Established', 'True', 'InitialNamesAccepted', 'the initial names have been accepted']
		]);
		expect(a.status.storedVersions).toEqual(['v1']);
		const b = crd('gadgets.example.com', { plural: 'gadgets', kind: 'Gadget', shortNames: ['wd'] });
		const s = namedStatus(b, [a, b], NOW);
		expect(s.conditions.map((c: Obj) => [c.type, c.status, c.reason, c.message])).toEqual([
			['NamesAccepted', 'False', 'ShortNamesConflict', '"wd" is already in use'],
			['Established', 'False', 'NotAccepted', 'not all names are accepted']
		]);
		expect(crdResources({ ...b, status: s })).toEqual([]);
	});

	it('serves each version with the storage version and strategy facts', () => {
		const a = crd('widgets.example.com', { plural: 'widgets', kind: 'Widget', categories: ['all'] });
		a.status = namedStatus(a, [], NOW);
		const [v1, v1beta1] = crdResources(a);
		expect([v1.version, v1beta1.version]).toEqual(['v1', 'v1beta1']);
		expect(v1).toMatchObject({ group: 'example.com', resource: 'widgets', kind: 'Widget', singular: 'widget', listKind: 'WidgetList', namespaced: true, status: true, scale: false });
		expect(v1.storagePrefix).toBe('example.com/widgets');
		expect(v1.categories).toEqual(['all']);
		expect(v1.generation).toEqual(['spec']);
		expect(v1beta1.generation).toEqual(['spec', 'status']);
		expect(v1beta1.custom!.storage).toBe(v1);
		expect(v1.custom!.columns.map((c) => c.name)).toEqual(['Age']);
		expect(v1.initialStatus!({ status: { x: 1 } })).toBeUndefined();
	});
});
