import { describe, expect, it } from 'vitest';
import { findResource } from './resources';
import { prepareCreate, prepareStatusUpdate, prepareUpdate } from './strategy';

const deployments = findResource('apps', 'v1', 'deployments')!;
const configmaps = findResource('', 'v1', 'configmaps')!;
const namespaces = findResource('', 'v1', 'namespaces')!;
const jobs = findResource('batch', 'v1', 'jobs')!;
const base = { metadata: { name: 'web', resourceVersion: '9', uid: 'theirs', deletionTimestamp: 'x' }, spec: { replicas: 2 }, status: { replicas: 5 } };

describe('prepareCreate', () => {
	it('sets server-owned metadata, generation 1 and a fresh status', () => {
		const o = prepareCreate(deployments, base, { now: Date.parse('2026-11-25T10:00:00Z'), uid: 'u1', namespace: 'shop' });
		expect(o.metadata).toEqual({ name: 'web', namespace: 'shop', uid: 'u1', creationTimestamp: '2026-11-25T10:00:00Z', generation: 1 });
		expect(o.status).toEqual({});
		expect(o).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment' });
	});

	it('has no generation for untracked kinds and finalizes namespaces', () => {
		expect(prepareCreate(configmaps, { metadata: { name: 'c', generation: 4 } }, { now: 0, uid: 'u', namespace: 'd' }).metadata.generation).toBeUndefined();
		const ns = prepareCreate(namespaces, { metadata: { name: 'n', namespace: 'x' } }, { now: 0, uid: 'u' });
		expect(ns.spec).toEqual({ finalizers: ['kubernetes'] });
		expect(ns.status).toEqual({ phase: 'Active' });
		expect(ns.metadata.namespace).toBeUndefined();
	});

	it('generates a job selector from its uid', () => {
		const j = prepareCreate(jobs, { metadata: { name: 'j' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [] } } } }, { now: 0, uid: 'u9', namespace: 'd' });
		expect(j.spec.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': 'u9' } });
		expect(j.spec.template.metadata.labels).toMatchObject({ 'job-name': 'j', 'controller-uid': 'u9' });
	});
});

describe('prepareUpdate', () => {
	const old = prepareCreate(deployments, { metadata: { name: 'web' }, spec: { replicas: 1 } }, { now: 0, uid: 'u1', namespace: 'shop' });
	it.each([
		{ name: 'spec change', change: (o: any) => (o.spec.replicas = 3), wantGeneration: 2 }, // eslint-disable-line @typescript-eslint/no-explicit-any
		{ name: 'label change', change: (o: any) => (o.metadata.labels = { a: 'b' }), wantGeneration: 1 }, // eslint-disable-line @typescript-eslint/no-explicit-any
		{ name: 'annotation change (deployments count it)', change: (o: any) => (o.metadata.annotations = { a: 'b' }), wantGeneration: 2 }, // eslint-disable-line @typescript-eslint/no-explicit-any
		{ name: 'status change through the main resource (ignored)', change: (o: any) => (o.status = { replicas: 9 }), wantGeneration: 1 } // eslint-disable-line @typescript-eslint/no-explicit-any
	])('$name → generation $wantGeneration', ({ change, wantGeneration }) => {
		const next = structuredClone(old);
		change(next);
		const out = prepareUpdate(deployments, next, old);
		expect(out.metadata.generation).toBe(wantGeneration);
		expect(out.status).toEqual(old.status);
		expect(out.metadata.uid).toBe('u1');
	});

	it('takes the status and metadata but never the spec on a /status write', () => {
		const next = { ...structuredClone(old), spec: { replicas: 7 }, status: { replicas: 1 }, metadata: { ...old.metadata, uid: 'other', annotations: { r: '2' }, labels: { x: 'y' } } };
		const out = prepareStatusUpdate(next, old, deployments);
		expect(out.spec.replicas).toBe(1);
		expect(out.status).toEqual({ replicas: 1 });
		expect(out.metadata.uid).toBe('u1');
		// The deployment status strategy keeps labels but takes annotations (the revision).
		expect(out.metadata.annotations).toEqual({ r: '2' });
		expect(out.metadata.labels).toBeUndefined();
	});
});
