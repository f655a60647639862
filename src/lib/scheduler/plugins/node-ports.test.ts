import { describe, expect, it } from 'vitest';
import { makeNode, makePod, runFilterPlugin, snapshotOf } from '../test-fixtures';
import { create, ERR_REASON } from './node-ports';

const withPort = (name: string, port: object, node?: string) => makePod(name, { node, containers: [{ name: 'c', ports: [{ containerPort: 80, ...port }] }] });

describe('NodePorts', () => {
	it('conflicts on the same protocol/port, 0.0.0.0 overlapping every IP', () => {
		const snap = snapshotOf([makeNode('a'), makeNode('b'), makeNode('c')], [withPort('x', { hostPort: 8080 }, 'a'), withPort('y', { hostPort: 8080, hostIP: '10.0.0.1' }, 'b'), withPort('z', { hostPort: 8080, protocol: 'UDP' }, 'c')]);
		expect(ERR_REASON).toBe("node(s) didn't have free ports for the requested pod ports");
		expect(runFilterPlugin(create(), snap, withPort('p', { hostPort: 8080 }))).toEqual({ a: ERR_REASON, b: ERR_REASON, c: '' });
		expect(runFilterPlugin(create(), snap, withPort('p', { hostPort: 8080, hostIP: '10.0.0.2' }))).toEqual({ a: ERR_REASON, b: '', c: '' });
	});

	it('pods without host ports are skipped', () => {
		const snap = snapshotOf([makeNode('a')], [withPort('x', { hostPort: 8080 }, 'a')]);
		expect(runFilterPlugin(create(), snap, withPort('p', {}))).toEqual({ a: '' });
	});
});
