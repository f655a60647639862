import { describe, expect, it } from 'vitest';
import { makeNode, makePod, runFilterPlugin, snapshotOf } from '../test-fixtures';
import * as nodeName from './node-name';
import * as nodeUnschedulable from './node-unschedulable';

describe('NodeUnschedulable and NodeName', () => {
	it('a cordoned node takes only pods tolerating node.kubernetes.io/unschedulable:NoSchedule', () => {
		const snap = snapshotOf([makeNode('cordoned', { unschedulable: true }), makeNode('ok')]);
		expect(runFilterPlugin(nodeUnschedulable.create(), snap, makePod('p'))).toEqual({ cordoned: 'node(s) were unschedulable', ok: '' });
		const tolerant = makePod('t', { spec: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] } });
		expect(runFilterPlugin(nodeUnschedulable.create(), snap, tolerant)).toEqual({ cordoned: '', ok: '' });
	});

	it('spec.nodeName fits only that node', () => {
		const snap = snapshotOf([makeNode('a'), makeNode('b')]);
		expect(runFilterPlugin(nodeName.create(), snap, makePod('p', { spec: { nodeName: 'b' } }))).toEqual({ a: "node(s) didn't match the requested node name", b: '' });
	});
});
