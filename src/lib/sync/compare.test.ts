import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../controllers/types';
import { compareObject } from './compare';
import { diffTexts } from './diff-text';
import { HIDE_ALL } from './normalize';
import recorded from './testdata/deployment-drift.json';

/**
 * testdata/deployment-drift.json: a Deployment applied server-side by `converge:app/web.yaml`,
 * then `kubectl scale --replicas=5`, `kubectl label team=blue`, `kubectl annotate note=hi`,
 * `kubectl set env DEBUG=1`, `kubectl patch` (imagePullPolicy), `kubectl edit`
 * (revisionHistoryLimit 10 → 5), recorded with kubectl 1.32 (`get -o json --show-managed-fields`),
 * plus the deployment controller's status update.
 */
const live = recorded as unknown as KubeObject;

/** The object as the file declares it (Quantities spelled differently from live). */
const desired = (over: { replicas?: number; env?: object[]; image?: string } = {}) => ({
	apiVersion: 'apps/v1',
	kind: 'Deployment',
	metadata: { name: 'web', labels: { app: 'web' } },
	spec: {
		replicas: over.replicas ?? 5,
		selector: { matchLabels: { app: 'web' } },
		template: {
			metadata: { labels: { app: 'web' } },
			spec: {
				containers: [
					{
						name: 'web',
						image: over.image ?? 'nginx:1.27',
						ports: [{ containerPort: 80 }],
						env: over.env ?? [{ name: 'MODE', value: 'prod' }],
						resources: { requests: { cpu: 0.5, memory: '1024Mi' } }
					}
				]
			}
		}
	}
});

describe('compareObject', () => {
	it('is Synced when every declared field equals live (quantities by value, ports by key with default protocol)', () => {
		const r = compareObject(desired(), live);
		expect(r.differences).toEqual([]);
		expect(r.sync).toBe('Synced');
	});

	it('is OutOfSync after kubectl scale, the field owned by `kubectl` through the scale subresource', () => {
		const r = compareObject(desired({ replicas: 3 }), live);
		expect(r.sync).toBe('OutOfSync');
		expect(r.differences).toEqual([
			{
				path: 'spec.replicas',
				fieldPath: [{ field: 'spec' }, { field: 'replicas' }],
				desired: 3,
				live: 5,
				kind: 'changed',
				owners: [{ manager: 'kubectl', operation: 'Update', subresource: 'scale', time: '2026-11-26T02:16:24Z' }]
			}
		]);
	});

	it('matches list items by merge key, whatever their order, and reports a missing item by key', () => {
		const env = [
			{ name: 'DEBUG', value: '1' },
			{ name: 'MODE', value: 'prod' }
		];
		expect(compareObject(desired({ env }), live).sync).toBe('Synced');
		const r = compareObject(desired({ env: [{ name: 'MODE', value: 'dev' }, { name: 'EXTRA', value: 'x' }], image: 'nginx:1.28' }), live);
		expect(r.differences.map((d) => [d.path, d.kind, d.live])).toEqual([
			['spec.template.spec.containers[name="web"].image', 'changed', 'nginx:1.27'],
			['spec.template.spec.containers[name="web"].env[name="MODE"].value', 'changed', 'prod'],
			['spec.template.spec.containers[name="web"].env[name="EXTRA"]', 'missing', undefined]
		]);
		expect(r.differences[0].owners.map((o) => o.manager)).toEqual(['converge:app/web.yaml']);
	});

	it('treats zero values as omitted, atomic maps as a whole, and a missing object as Missing', () => {
		const d = desired();
		(d.spec as Record<string, unknown>).paused = false;
		expect(compareObject(d, live).sync).toBe('Synced');
		d.spec.selector = { matchLabels: { app: 'web', tier: 'front' } } as typeof d.spec.selector;
		expect(compareObject(d, live).differences.map((x) => x.path)).toEqual(['spec.selector']);
		expect(compareObject(desired(), undefined)).toEqual({ sync: 'Missing', differences: [], drift: [] });
	});

	it("compares a Secret's stringData with its stored data", () => {
		const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'default' }, type: 'Opaque', data: { password: 'czNjcjN0', user: 'YWRtaW4=' } };
		const d = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, type: 'Opaque', data: { user: 'YWRtaW4=' }, stringData: { password: 's3cr3t' } };
		expect(compareObject(d, secret).sync).toBe('Synced');
		expect(compareObject({ ...d, stringData: { password: 'other' } }, secret).differences.map((x) => x.path)).toEqual(['data.password']);
	});

	it('reports Quantities that differ in value', () => {
		const d = desired();
		d.spec.template.spec.containers[0].resources.requests.memory = '1Gi';
		expect(compareObject(d, live).sync).toBe('Synced');
		d.spec.template.spec.containers[0].resources.requests.cpu = 1;
		expect(compareObject(d, live).differences.map((x) => [x.path, x.desired, x.live])).toEqual([['spec.template.spec.containers[name="web"].resources.requests.cpu', 1, '500m']]);
	});
});

describe('drift', () => {
	it('lists live-only fields with the manager that added them, topmost path only', () => {
		const r = compareObject(desired(), live);
		expect(r.drift.map((d) => [d.path, d.owners.map((o) => `${o.manager}/${o.operation}`).join(','), d.live])).toEqual([
			['metadata.annotations.note', 'kubectl-annotate/Update', 'hi'],
			['metadata.labels.team', 'kubectl-label/Update', 'blue'],
			['spec.template.spec.containers[name="web"].imagePullPolicy', 'kubectl-patch/Update', 'Always'],
			['spec.template.spec.containers[name="web"].env[name="DEBUG"]', 'kubectl-set/Update', { name: 'DEBUG', value: '1' }],
			['spec.revisionHistoryLimit', 'kubectl-edit/Update', 5],
			['metadata.annotations.deployment.kubernetes.io/revision', 'kube-controller-manager/Update', '2']
		]);
		// The applier's own tracking annotation, status and defaulted fields are not drift.
		expect(r.drift.some((d) => /converge\.dev|status|terminationMessagePath|dnsPolicy/.test(d.path))).toBe(false);
		expect(r.drift.find((d) => d.path === 'spec.revisionHistoryLimit')?.livePath).toEqual(['spec', 'revisionHistoryLimit']);
	});

	it('declared fields are not drift even when someone else now owns them', () => {
		const r = compareObject(desired({ replicas: 3 }), live);
		expect(r.drift.some((d) => d.path === 'spec.replicas')).toBe(false);
	});

	it('shows status and the tracking annotation as drift when their toggles are off', () => {
		const t = diffTexts(desired(), live, { ...HIDE_ALL, status: false, sourceAnnotation: false });
		expect(t.drift.map((d) => d.path)).toContain('metadata.annotations.converge.dev/source');
		expect(t.drift.map((d) => d.path)).toContain('status.availableReplicas');
	});
});

describe('diffTexts', () => {
	it('renders both sides sorted like kubectl, hiding status, managedFields, server metadata and defaults', () => {
		const t = diffTexts(desired(), live);
		expect(t.sync).toBe('Synced');
		expect(t.live).not.toMatch(/managedFields|resourceVersion|uid:|creationTimestamp|status:|terminationMessagePath|dnsPolicy|converge\.dev\/source/);
		expect(t.live).toMatch(/^apiVersion: apps\/v1\nkind: Deployment\nmetadata:\n {2}annotations:\n/);
		expect(t.live).toContain('revisionHistoryLimit: 5');
		// desired takes live's spelling of equal quantities, so the diff shows no false change
		expect(t.desired).toContain('cpu: 500m');
		expect(t.desired).toContain('memory: 1Gi');
		expect(t.desired).toContain('namespace: default');
		const line = t.drift.find((d) => d.path === 'spec.revisionHistoryLimit')!.line!;
		expect(t.live.split('\n')[line - 1]).toBe('  revisionHistoryLimit: 5');
		const env = t.drift.find((d) => d.path.endsWith('env[name="DEBUG"]'))!.line!;
		expect(t.live.split('\n')[env - 1]).toMatch(/- name: DEBUG$/);
	});

	it('shows defaulted fields and server metadata when their toggles are off', () => {
		const t = diffTexts(desired(), live, { ...HIDE_ALL, defaults: false, serverMetadata: false });
		expect(t.live).toContain('terminationMessagePath: /dev/termination-log');
		expect(t.live).toContain('uid: 163322da-7b14-41ce-b801-af3da0b08dd5');
		expect(t.live).not.toContain('managedFields');
	});

	it('hides kubectl last-applied-configuration unless asked', () => {
		const cm: KubeObject = {
			apiVersion: 'v1',
			kind: 'ConfigMap',
			metadata: {
				name: 'cfg',
				namespace: 'default',
				annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"v1","data":{"a":"1"},"kind":"ConfigMap","metadata":{"annotations":{},"name":"cfg","namespace":"default"}}\n' },
				managedFields: [
					{
						apiVersion: 'v1',
						fieldsType: 'FieldsV1',
						fieldsV1: { 'f:data': { '.': {}, 'f:a': {} }, 'f:metadata': { 'f:annotations': { '.': {}, 'f:kubectl.kubernetes.io/last-applied-configuration': {} } } },
						manager: 'kubectl-client-side-apply',
						operation: 'Update',
						time: '2026-11-26T02:16:27Z'
					}
				]
			} as KubeObject['metadata'],
			data: { a: '1' }
		};
		const d = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { a: '1' } };
		expect(diffTexts(d, cm).live).toBe('apiVersion: v1\ndata:\n  a: "1"\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: default\n');
		const shown = diffTexts(d, cm, { ...HIDE_ALL, lastApplied: false });
		expect(shown.drift.map((x) => [x.path, x.owners[0].manager])).toEqual([['metadata.annotations.kubectl.kubernetes.io/last-applied-configuration', 'kubectl-client-side-apply']]);
	});
});
