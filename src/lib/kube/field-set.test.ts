import { describe, expect, it } from 'vitest';
import { FieldSet, FieldSetError, parsePE, pathString, serializePE, type Path } from './field-set';

const f = (field: string) => ({ field });

// fieldsV1 of a Pod created by `kubectl apply` (client-side) on a real 1.25 cluster, as a
// ValidatingAdmissionWebhook received it (key order as kube-apiserver wrote it).
const REAL_POD_FIELDS =
	'{"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:ports":{".":{},"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{},"f:protocol":{}}},"f:resources":{},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},"f:dnsPolicy":{},"f:enableServiceLinks":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{}}}';

describe('fieldsV1', () => {
	it('round-trips a real cluster sample byte for byte', () => {
		const set = FieldSet.fromFieldsV1(JSON.parse(REAL_POD_FIELDS));
		expect(JSON.stringify(set.toFieldsV1())).toBe(REAL_POD_FIELDS);
	});

	it('knows members from parents: `{}` and `.` are members, other nodes only lead to them', () => {
		const set = FieldSet.fromFieldsV1(JSON.parse(REAL_POD_FIELDS));
		const nginx = { key: [['name', 'nginx']] as [string, unknown][] };
		expect(set.has([f('spec'), f('dnsPolicy')])).toBe(true);
		expect(set.has([f('spec')])).toBe(false);
		expect(set.has([f('metadata'), f('annotations')])).toBe(true);
		expect(set.has([f('spec'), f('containers'), nginx])).toBe(true);
		expect(set.has([f('spec'), f('containers')])).toBe(false);
	});

	it('writes elements in kube order (fields, keys, values, indexes) whatever the insertion order', () => {
		const set = FieldSet.of(
			[f('x'), { index: 1 }],
			[f('x'), { value: 'b' }],
			[f('x'), { key: [['port', 80], ['protocol', 'TCP']] }],
			[f('x'), f('z')],
			[f('x'), { value: 'a' }],
			[f('x'), f('a'), f('b')],
			[f('x'), f('a')]
		);
		expect(JSON.stringify(set.toFieldsV1())).toBe(
			'{"f:x":{"f:a":{".":{},"f:b":{}},"f:z":{},"k:{\\"port\\":80,\\"protocol\\":\\"TCP\\"}":{},"v:\\"a\\"":{},"v:\\"b\\"":{},"i:1":{}}}'
		);
	});

	it('refuses what is not fieldsV1', () => {
		expect(() => FieldSet.fromFieldsV1({ 'x:y': {} })).toThrow(FieldSetError);
		expect(() => FieldSet.fromFieldsV1({ 'f:a': 1 })).toThrow(FieldSetError);
		expect(() => FieldSet.fromFieldsV1([])).toThrow(FieldSetError);
	});

	it('parses and prints each element type', () => {
		for (const s of ['f:spec', 'k:{"containerPort":80,"protocol":"TCP"}', 'v:"foregroundDeletion"', 'i:3']) expect(serializePE(parsePE(s))).toBe(s);
		// Keys are sorted whatever order they came in.
		expect(serializePE(parsePE('k:{"protocol":"TCP","containerPort":80}'))).toBe('k:{"containerPort":80,"protocol":"TCP"}');
	});
});

describe('paths as conflicts print them', () => {
	it('prints fields, keys, values and indexes like structured-merge-diff', () => {
		const p: Path = [f('spec'), f('template'), f('spec'), f('containers'), { key: [['name', 'nginx']] }, f('ports'), { key: [['containerPort', 80], ['protocol', 'TCP']] }];
		expect(pathString(p)).toBe('.spec.template.spec.containers[name="nginx"].ports[containerPort=80,protocol="TCP"]');
		expect(pathString([f('metadata'), f('finalizers'), { value: 'a/b' }])).toBe('.metadata.finalizers[="a/b"]');
		expect(pathString([f('spec'), f('args'), { index: 2 }])).toBe('.spec.args[2]');
	});
});

describe('set algebra', () => {
	const a = FieldSet.of([f('spec'), f('replicas')], [f('spec'), f('paused')], [f('metadata'), f('labels'), f('app')]);
	const b = FieldSet.of([f('spec'), f('replicas')], [f('metadata'), f('labels')]);

	it('unions, intersects and subtracts member by member', () => {
		expect(a.union(b).paths().map(pathString)).toEqual(['.metadata.labels', '.metadata.labels.app', '.spec.paused', '.spec.replicas']);
		expect(a.intersection(b).paths().map(pathString)).toEqual(['.spec.replicas']);
		// Plain difference keeps children of a removed member; the recursive one drops them.
		expect(a.difference(b).paths().map(pathString)).toEqual(['.metadata.labels.app', '.spec.paused']);
		expect(a.recursiveDifference(b).paths().map(pathString)).toEqual(['.spec.paused']);
	});

	it('is empty when nothing is a member', () => {
		expect(a.difference(a).empty()).toBe(true);
		expect(new FieldSet().toFieldsV1()).toEqual({});
	});

	it('answers the operand itself when an operation changes nothing, and compares sets by members', () => {
		const sub = FieldSet.of([f('spec'), f('replicas')]);
		expect(a.union(sub)).toBe(a);
		expect(a.difference(FieldSet.of([f('status')]))).toBe(a);
		expect(a.recursiveDifference(FieldSet.of([f('status')]))).toBe(a);
		const rebuilt = a.difference(sub).union(sub);
		expect(rebuilt).not.toBe(a);
		expect(rebuilt.equals(a)).toBe(true);
		expect(a.equals(a.union(b))).toBe(false);
		expect(a.difference(sub).equals(a)).toBe(false);
		// The operands are never changed.
		expect(a.paths().map(pathString)).toEqual(['.metadata.labels.app', '.spec.paused', '.spec.replicas']);
	});
});
