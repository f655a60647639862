import { describe, expect, it } from 'vitest';
import { formatFieldError } from './field-errors';
import { invalid } from './api-errors';
import { findResource } from './resources';
import { prepareCreate } from './strategy';
import { validateCreate, validateUpdate } from './validation';

const deploymentInfo = findResource('apps', 'v1', 'deployments')!;
const serviceInfo = findResource('', 'v1', 'services')!;
const deployment = (patch: (d: Record<string, any>) => void = () => {}) => { // eslint-disable-line @typescript-eslint/no-explicit-any
	const d: Record<string, any> = { // eslint-disable-line @typescript-eslint/no-explicit-any
		metadata: { name: 'web' },
		spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } } }
	};
	patch(d);
	return prepareCreate(deploymentInfo, d, { now: 0, uid: 'u1', namespace: 'default' });
};
const messages = (errs: ReturnType<typeof validateCreate>) => errs.map(formatFieldError);

describe('validateCreate', () => {
	it('accepts a valid deployment', () => {
		expect(validateCreate(deploymentInfo, deployment())).toEqual([]);
	});

	it.each([
		{ name: 'negative replicas', patch: (d: any) => (d.spec.replicas = -1), want: 'spec.replicas: Invalid value: -1: must be greater than or equal to 0' }, // eslint-disable-line @typescript-eslint/no-explicit-any
		{
			name: 'bad name',
			patch: (d: any) => (d.metadata.name = 'Web'), // eslint-disable-line @typescript-eslint/no-explicit-any
			want: 'metadata.name: Invalid value: "Web": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')'
		},
		{ name: 'no name', patch: (d: any) => delete d.metadata.name, want: 'metadata.name: Required value: name or generateName is required' }, // eslint-disable-line @typescript-eslint/no-explicit-any
		{ name: 'selector mismatch', patch: (d: any) => (d.spec.template.metadata.labels = { app: 'x' }), want: 'spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`' }, // eslint-disable-line @typescript-eslint/no-explicit-any
		{
			name: 'empty selector',
			patch: (d: any) => (d.spec.selector = {}), // eslint-disable-line @typescript-eslint/no-explicit-any
			want: 'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment'
		},
		{ name: 'no image', patch: (d: any) => delete d.spec.template.spec.containers[0].image, want: 'spec.template.spec.containers[0].image: Required value' }, // eslint-disable-line @typescript-eslint/no-explicit-any
		{ name: 'restart policy', patch: (d: any) => (d.spec.template.spec.restartPolicy = 'Never'), want: 'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"' }, // eslint-disable-line @typescript-eslint/no-explicit-any
		{ name: 'duplicate containers', patch: (d: any) => d.spec.template.spec.containers.push({ name: 'app', image: 'x' }), want: 'spec.template.spec.containers[1].name: Duplicate value: "app"' }, // eslint-disable-line @typescript-eslint/no-explicit-any
		{ name: 'bad label', patch: (d: any) => (d.metadata.labels = { 'a b': 'x' }), want: 'metadata.labels: Invalid value: "a b": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')' } // eslint-disable-line @typescript-eslint/no-explicit-any
	])('reports $name', ({ patch, want }) => {
		expect(messages(validateCreate(deploymentInfo, deployment(patch)))).toContain(want);
	});

	it('wraps errors in kube\'s Invalid status with causes', () => {
		const errs = validateCreate(deploymentInfo, deployment((d) => (d.spec.replicas = -1)));
		const err = invalid({ group: 'apps', kind: 'Deployment' }, 'web', errs).toStatus();
		expect(err).toMatchObject({
			code: 422,
			reason: 'Invalid',
			message: 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
			details: { name: 'web', group: 'apps', kind: 'Deployment', causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' }] }
		});
	});

	it('validates services (ports required, types)', () => {
		const svc = prepareCreate(serviceInfo, { metadata: { name: 'web' }, spec: { type: 'Cluster' } }, { now: 0, uid: 'u', namespace: 'default' });
		expect(messages(validateCreate(serviceInfo, svc))).toEqual(
			expect.arrayContaining(['spec.type: Unsupported value: "Cluster": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"', 'spec.ports: Required value'])
		);
	});
});

describe('validateUpdate', () => {
	it('keeps a deployment selector immutable', () => {
		const old = deployment();
		const next = structuredClone(old);
		next.spec.selector = { matchLabels: { app: 'other' } };
		next.spec.template.metadata.labels = { app: 'other' };
		expect(messages(validateUpdate(deploymentInfo, next, old))).toContain(
			'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"other"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable'
		);
	});

	it('keeps identity fields and a service clusterIP', () => {
		const old = prepareCreate(serviceInfo, { metadata: { name: 'web' }, spec: { clusterIP: '10.96.0.10', ports: [{ port: 80 }] } }, { now: 0, uid: 'u', namespace: 'default' });
		const next = structuredClone(old);
		next.metadata.uid = 'other';
		next.spec.clusterIP = '10.96.0.11';
		next.spec.clusterIPs = ['10.96.0.11'];
		expect(messages(validateUpdate(serviceInfo, next, old))).toEqual([
			'metadata.uid: Invalid value: "other": field is immutable',
			'spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: may not change once set'
		]);
	});

	it('refuses new finalizers on an object being deleted', () => {
		const old = deployment((d) => (d.metadata.finalizers = ['a.io/x']));
		old.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
		const next = structuredClone(old);
		next.metadata.finalizers = ['a.io/x', 'b.io/y'];
		expect(messages(validateUpdate(deploymentInfo, next, old))).toContain(
			'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b.io/y"}'
		);
	});
});
