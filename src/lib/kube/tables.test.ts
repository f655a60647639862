import { describe, expect, it } from 'vitest';
import { buildTable, printerFor } from './tables';
import { podRow } from './table-pod';

const now = Date.parse('2026-11-25T12:00:00Z');
const created = '2026-11-25T11:55:00Z';
const names = (apiVersion: string, kind: string, wide = false) =>
	printerFor(apiVersion, kind)
		.columns()
		.filter((c) => wide || c.priority === 0)
		.map((c) => c.name.toUpperCase());

describe('column definitions (kubectl get headers)', () => {
	it.each([
		{ kind: 'v1/Pod', want: 'NAME READY STATUS RESTARTS AGE', wide: 'NAME READY STATUS RESTARTS AGE IP NODE NOMINATED NODE READINESS GATES' },
		{ kind: 'apps/v1/Deployment', want: 'NAME READY UP-TO-DATE AVAILABLE AGE', wide: 'NAME READY UP-TO-DATE AVAILABLE AGE CONTAINERS IMAGES SELECTOR' },
		{ kind: 'apps/v1/ReplicaSet', want: 'NAME DESIRED CURRENT READY AGE', wide: 'NAME DESIRED CURRENT READY AGE CONTAINERS IMAGES SELECTOR' },
		{ kind: 'v1/Service', want: 'NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE', wide: 'NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE SELECTOR' },
		{ kind: 'v1/Node', want: 'NAME STATUS ROLES AGE VERSION', wide: 'NAME STATUS ROLES AGE VERSION INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME' },
		{ kind: 'v1/Namespace', want: 'NAME STATUS AGE', wide: 'NAME STATUS AGE' },
		{ kind: 'v1/ConfigMap', want: 'NAME DATA AGE', wide: 'NAME DATA AGE' },
		{ kind: 'v1/Secret', want: 'NAME TYPE DATA AGE', wide: 'NAME TYPE DATA AGE' },
		{ kind: 'v1/Event', want: 'LAST SEEN TYPE REASON OBJECT MESSAGE', wide: 'LAST SEEN TYPE REASON OBJECT SUBOBJECT SOURCE MESSAGE FIRST SEEN COUNT NAME' },
		{ kind: 'batch/v1/Job', want: 'NAME STATUS COMPLETIONS DURATION AGE', wide: 'NAME STATUS COMPLETIONS DURATION AGE CONTAINERS IMAGES SELECTOR' },
		{ kind: 'apiextensions.k8s.io/v1/CustomResourceDefinition', want: 'NAME CREATED AT', wide: 'NAME CREATED AT' }
	])('$kind', ({ kind, want, wide }) => {
		const i = kind.lastIndexOf('/');
		expect(names(kind.slice(0, i), kind.slice(i + 1)).join(' ')).toBe(want);
		expect(names(kind.slice(0, i), kind.slice(i + 1), true).join(' ')).toBe(wide);
	});
});

describe('pod rows (printPod)', () => {
	const pod = (status: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
		metadata: { name: 'p', creationTimestamp: created, ...extra },
		spec: { containers: [{ name: 'a' }, { name: 'b' }], nodeName: 'n1' },
		status
	});
	it.each([
		{ name: 'pending', status: { phase: 'Pending' }, want: ['p', '0/2', 'Pending', '0', '5m'] },
		{
			name: 'running and ready',
			status: { phase: 'Running', podIPs: [{ ip: '10.0.0.5' }], containerStatuses: [{ name: 'a', ready: true, state: { running: {} }, restartCount: 0 }, { name: 'b', ready: true, state: { running: {} }, restartCount: 0 }] },
			want: ['p', '2/2', 'Running', '0', '5m', '10.0.0.5', 'n1']
		},
		{
			name: 'crash looping',
			status: { phase: 'Running', containerStatuses: [{ name: 'a', ready: false, state: { waiting: { reason: 'CrashLoopBackOff' } }, restartCount: 3, lastState: { terminated: { finishedAt: '2026-11-25T11:59:00Z' } } }] },
			want: ['p', '0/2', 'CrashLoopBackOff', '3 (60s ago)', '5m']
		},
		{ name: 'init', status: { phase: 'Pending', initContainerStatuses: [{ name: 'i', state: { waiting: { reason: 'PodInitializing' } } }] }, init: true, want: ['p', '0/2', 'Init:0/1'] },
		{ name: 'terminating', status: { phase: 'Running' }, deleting: true, want: ['p', '0/2', 'Terminating'] },
		{ name: 'completed', status: { phase: 'Succeeded', containerStatuses: [{ name: 'a', state: { terminated: { reason: 'Completed', exitCode: 0 } } }] }, want: ['p', '0/2', 'Completed'] }
	])('$name', ({ status, want, init, deleting }) => {
		const p = pod(status, deleting ? { deletionTimestamp: created } : {}) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
		if (init) p.spec.initContainers = [{ name: 'i' }];
		expect(podRow(p, now).cells.slice(0, want.length)).toEqual(want);
	});
});

describe('buildTable', () => {
	it('builds a Table with PartialObjectMetadata rows', () => {
		const d = { metadata: { name: 'web', creationTimestamp: created }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'c', image: 'nginx' }] } } }, status: { readyReplicas: 1, updatedReplicas: 2, availableReplicas: 1 } };
		const t = buildTable({ group: 'apps', version: 'v1', kind: 'Deployment' }, [d], { resourceVersion: '7' }, { include: 'Metadata', now });
		expect(t.kind).toBe('Table');
		expect(t.metadata).toEqual({ resourceVersion: '7' });
		expect(t.rows[0].cells).toEqual(['web', '1/3', 2, 1, '5m', 'c', 'nginx', 'app=web']);
		expect(t.rows[0].object).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: d.metadata });
		expect(buildTable({ group: 'apps', version: 'v1', kind: 'Deployment' }, [d], {}, { include: 'None', now, noHeaders: true })).not.toHaveProperty('columnDefinitions');
	});

	it('prints services, nodes and events like kubectl', () => {
		const svc = { metadata: { name: 's', creationTimestamp: created }, spec: { type: 'NodePort', clusterIPs: ['10.96.0.9'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }], selector: { app: 'web' } } };
		expect(printerFor('v1', 'Service').row(svc, now).cells).toEqual(['s', 'NodePort', '10.96.0.9', '<none>', '80:30080/TCP', '5m', 'app=web']);
		const node = { metadata: { name: 'n', creationTimestamp: created, labels: { 'node-role.kubernetes.io/control-plane': '' } }, spec: { unschedulable: true }, status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.32.0' } } };
		expect(printerFor('v1', 'Node').row(node, now).cells.slice(0, 5)).toEqual(['n', 'Ready,SchedulingDisabled', 'control-plane', '5m', 'v1.32.0']);
		const ev = { metadata: { name: 'e1' }, involvedObject: { kind: 'Pod', name: 'p' }, type: 'Normal', reason: 'Scheduled', message: ' done ', firstTimestamp: created, lastTimestamp: created, count: 2, source: { component: 'default-scheduler' } };
		expect(printerFor('v1', 'Event').row(ev, now).cells).toEqual(['5m', 'Normal', 'Scheduled', 'pod/p', '', 'default-scheduler', 'done', '5m', 2, 'e1']);
	});
});
