import { describe, expect, it } from 'vitest';
import { RoomAnalyzer } from './analyze';

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

describe('RoomAnalyzer', () => {
	it('reports a duplicate object where the second declaration is', () => {
		const { event } = new RoomAnalyzer().analyze(new Map([['a.yaml', cm('x')], ['b.yaml', '# b\n' + cm('x')]]));
		expect(event.objects.map((o) => o.path)).toEqual(['a.yaml']);
		expect(event.diagnostics['a.yaml']).toEqual([]);
		expect(event.diagnostics['b.yaml'].map((d) => `${d.line} ${d.message}`)).toEqual([
			'2 ConfigMap "x" in namespace "default" is already declared in a.yaml:1'
		]);
	});

	it('knows CRD kinds declared in another file', () => {
		const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Cluster
  names: {kind: Widget, plural: widgets}
  versions: [{name: v1, served: true, storage: true}]
`;
		const { event } = new RoomAnalyzer().analyze(new Map([['w.yaml', 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n'], ['crd.yaml', crd]]));
		expect(Object.values(event.diagnostics).flat()).toEqual([]);
		expect(event.objects.map((o) => o.kind).sort()).toEqual(['CustomResourceDefinition', 'Widget']);
	});

	it('re-parses only files whose text changed and forgets deleted files', () => {
		const a = new RoomAnalyzer();
		const first = a.analyze(new Map([['a.yaml', cm('a')], ['b.yaml', cm('b')]]));
		const second = a.analyze(new Map([['a.yaml', cm('a')]]));
		expect(second.objects[0]).toBe(first.objects[0]); // same parse result object: cached
		expect(Object.keys(second.event.diagnostics)).toEqual(['a.yaml']);
	});
});
