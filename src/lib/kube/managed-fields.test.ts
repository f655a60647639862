import { describe, expect, it } from 'vitest';
import { FieldSet, type Path } from './field-set';
import { FieldType } from './field-types';
import {
	conflictError,
	decodeManagedFields,
	emptyManaged,
	encodeManagedFields,
	managedForUpdate,
	managerFromUserAgent,
	managerIdentifier,
	recordApply,
	recordCreate,
	recordUpdate,
	type FieldManagerWrite
} from './managed-fields';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const noStatus = (s: FieldSet) => s.recursiveDifference(FieldSet.of([{ field: 'status' }]));
const write = (apiVersion: string, kind: string, manager: string, at: string, subresource?: string): FieldManagerWrite => ({
	type: FieldType.forKind(apiVersion, kind),
	apiVersion,
	filter: noStatus,
	manager,
	subresource,
	now: Date.parse(at)
});

// A Pod created with `kubectl apply -f` on a real cluster (kube 1.25, from an admission review):
// its last-applied configuration, the object as the API server decoded and defaulted it, and
// the managedFields entry kube-apiserver recorded.
const LAST_APPLIED = '{"apiVersion":"v1","kind":"Pod","metadata":{"annotations":{},"name":"nginx","namespace":"default"},"spec":{"containers":[{"image":"nginx:1.14.2","name":"nginx","ports":[{"containerPort":80}]}]}}\n';
const DECODED_POD = {
	apiVersion: 'v1',
	kind: 'Pod',
	metadata: { name: 'nginx', namespace: 'default', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': LAST_APPLIED } },
	spec: {
		containers: [
			{ name: 'nginx', image: 'nginx:1.14.2', ports: [{ containerPort: 80, protocol: 'TCP' }], resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent' }
		],
		restartPolicy: 'Always',
		terminationGracePeriodSeconds: 30,
		dnsPolicy: 'ClusterFirst',
		securityContext: {},
		schedulerName: 'default-scheduler',
		enableServiceLinks: true
	},
	status: {}
};
const REAL_ENTRY =
	'{"manager":"kubectl-client-side-apply","operation":"Update","apiVersion":"v1","time":"2022-09-14T20:33:50Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:ports":{".":{},"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{},"f:protocol":{}}},"f:resources":{},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},"f:dnsPolicy":{},"f:enableServiceLinks":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{}}}}';

describe('recordUpdate', () => {
	it("records a create exactly like a real cluster's entry", () => {
		const pod = FieldType.forKind('v1', 'Pod');
		const entries = recordUpdate(write('v1', 'Pod', 'kubectl-client-side-apply', '2022-09-14T20:33:50Z'), emptyManaged(), pod.zero(), DECODED_POD);
		expect(entries!.map((e) => JSON.stringify(e))).toEqual([REAL_ENTRY]);
	});

	it('merges a manager\'s updates, keeps subresources apart and sorts Apply first, then by time', () => {
		const w = (manager: string, at: string, sub?: string) => write('apps/v1', 'Deployment', manager, at, sub);
		const d = (replicas: number, labels: Obj) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels }, spec: { replicas } });
		const applied = recordApply(w('ci', '2024-01-01T00:00:00Z'), d(1, {}), { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { a: '1' } } }, false);
		let live: Obj = { ...applied.object, metadata: { ...applied.object!.metadata, managedFields: applied.managedFields } };
		const step = (writer: FieldManagerWrite, next: Obj) => {
			const entries = recordUpdate(writer, managedForUpdate(live, undefined, writer.subresource), live, next);
			live = { ...next, metadata: { ...next.metadata, managedFields: entries } };
		};
		step(w('kubectl-label', '2024-01-01T00:00:05Z'), d(1, { a: '1', b: '2' }));
		step(w('kubectl', '2024-01-01T00:00:03Z', 'scale'), d(4, { a: '1', b: '2' }));
		step(w('kubectl-label', '2024-01-01T00:00:09Z'), d(4, { a: '1', b: '2', c: '3' }));
		expect(live.metadata.managedFields.map((e: Obj) => [e.manager, e.operation, e.time, e.subresource ?? '', JSON.stringify(e.fieldsV1)])).toEqual([
			['ci', 'Apply', '2024-01-01T00:00:00Z', '', '{"f:metadata":{"f:labels":{"f:a":{}}}}'],
			['kubectl', 'Update', '2024-01-01T00:00:03Z', 'scale', '{"f:spec":{"f:replicas":{}}}'],
			['kubectl-label', 'Update', '2024-01-01T00:00:09Z', '', '{"f:metadata":{"f:labels":{"f:b":{},"f:c":{}}}}']
		]);
	});

	it('folds the oldest of more than ten Update managers into ancient-changes', () => {
		let live: Obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: {} };
		for (let i = 0; i < 12; i++) {
			const next: Obj = { ...live, data: { ...live.data, [`k${i}`]: 'v' } };
			const w = write('v1', 'ConfigMap', `m${String(i).padStart(2, '0')}`, `2024-01-01T00:00:${String(i).padStart(2, '0')}Z`);
			const entries = recordUpdate(w, managedForUpdate(live, undefined), live, next);
			live = { ...next, metadata: { ...next.metadata, managedFields: entries } };
		}
		const entries = live.metadata.managedFields as Obj[];
		expect(entries.length).toBe(10);
		expect(entries[0]).toMatchObject({ manager: 'ancient-changes', time: '2024-01-01T00:00:02Z', fieldsV1: { 'f:data': { 'f:k0': {}, 'f:k1': {}, 'f:k2': {} } } });
		expect(entries[1].manager).toBe('m03');
	});
});

describe('managedForUpdate (what a write starts from)', () => {
	const live = { metadata: { managedFields: [{ manager: 'a', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } }] } };
	const owners = (m: ReturnType<typeof managedForUpdate>) => [...m.fields.keys()];

	it('resets on [] and [{}], keeps the live entries when the request has none or garbage', () => {
		expect(owners(managedForUpdate(live, []))).toEqual([]);
		expect(owners(managedForUpdate(live, [{}]))).toEqual([]);
		expect(owners(managedForUpdate(live, undefined))).toEqual(['{"manager":"a","operation":"Update","apiVersion":"v1"}']);
		expect(owners(managedForUpdate(live, [{ manager: 'x', operation: 'Bogus' }]))).toEqual(['{"manager":"a","operation":"Update","apiVersion":"v1"}']);
	});

	it('takes valid entries from the request, but never on a subresource', () => {
		const mine = [{ manager: 'me', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:x': {} } } }];
		expect(owners(managedForUpdate(live, mine))).toEqual(['{"manager":"me","operation":"Apply"}']);
		expect(owners(managedForUpdate(live, mine, 'status'))).toEqual(['{"manager":"a","operation":"Update","apiVersion":"v1"}']);
	});

	it('decodes only what kube decodes', () => {
		expect(() => decodeManagedFields([{ manager: 'a', operation: 'Update', apiVersion: 'v1' }])).toThrow('missing fieldsType in managed fields entry 0');
		expect(() => decodeManagedFields([{ manager: 'a', operation: 'Update', fieldsType: 'FieldsV1' }])).toThrow('apiVersion must not be empty');
		expect(encodeManagedFields(decodeManagedFields(live.metadata.managedFields))).toEqual([{ ...live.metadata.managedFields[0] }]);
	});
});

describe('managers', () => {
	it('comes from the User-Agent like kube: up to the first "/", printable characters only', () => {
		expect(managerFromUserAgent('kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9')).toBe('kubectl');
		expect(managerFromUserAgent('my\tcontroller/1.0')).toBe('mycontroller');
		expect(managerFromUserAgent('x'.repeat(200))).toBe('x'.repeat(128));
		expect(managerFromUserAgent(undefined)).toBe('');
	});

	it('are identified without apiVersion for appliers', () => {
		expect(managerIdentifier({ manager: 'k', operation: 'Apply', apiVersion: 'v1' })).toBe('{"manager":"k","operation":"Apply"}');
		expect(managerIdentifier({ manager: 'k', operation: 'Update', apiVersion: 'v1', subresource: 'status' })).toBe('{"manager":"k","operation":"Update","apiVersion":"v1","subresource":"status"}');
	});
});

describe('conflictError', () => {
	const p = (...fields: string[]): Path => fields.map((field) => ({ field }));
	it("words one conflict and many like kube's field manager", () => {
		const one = conflictError([{ manager: managerIdentifier({ manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'apps/v1' }), path: p('spec', 'replicas') }]);
		expect(one.toStatus()).toEqual({
			kind: 'Status',
			apiVersion: 'v1',
			metadata: {},
			status: 'Failure',
			message: 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
			reason: 'Conflict',
			details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }] },
			code: 409
		});
		const many = conflictError([
			{ manager: managerIdentifier({ manager: 'b', operation: 'Apply' }), path: p('data', 'x') },
			{ manager: managerIdentifier({ manager: 'a', operation: 'Update', apiVersion: 'v1', subresource: 'status' }), path: p('status', 'y') },
			{ manager: managerIdentifier({ manager: 'b', operation: 'Apply' }), path: p('data', 'z') }
		]);
		expect(many.message).toBe('Apply failed with 3 conflicts: conflicts with "a" with subresource "status" using v1:\n- .status.y\nconflicts with "b":\n- .data.x\n- .data.z');
	});
});

describe('recordCreate', () => {
	const pod = (name: string, ports: number[], extra: Obj = {}): Obj => ({
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: { name, labels: { app: name } },
		spec: { containers: [{ name: 'app', image: `nginx:${name}`, ports: ports.map((containerPort) => ({ containerPort, protocol: 'TCP' })) }], ...extra }
	});
	const fromZero = (w: FieldManagerWrite, o: Obj) => recordUpdate(w, emptyManaged(), w.type.zero(), o);

	it('records what recordUpdate from the zero object records, for objects alike in structure or not', () => {
		const objects = [pod('a', [80]), pod('b', [80]), pod('c', [80, 81]), pod('d', [80], { nodeName: 'n1' }), pod('e', [80], { tolerations: null })];
		for (const [i, o] of objects.entries()) {
			const w = write('v1', 'Pod', 'kubectl', `2026-11-26T08:00:0${i}Z`);
			expect(recordCreate(w, 'test', o)).toEqual(fromZero(w, o));
		}
	});

	it('stamps each create with its own time and hands out entries its callers may copy', () => {
		const first = recordCreate(write('v1', 'Pod', 'm', '2026-11-26T08:00:00Z'), 'test', pod('a', [80]))!;
		const second = recordCreate(write('v1', 'Pod', 'm', '2026-11-26T09:30:00Z'), 'test', pod('b', [80]))!;
		expect(first[0].time).toBe('2026-11-26T08:00:00Z');
		expect(second[0].time).toBe('2026-11-26T09:30:00Z');
		expect(structuredClone(second)).toEqual(second);
	});
});
