import { describe, expect, it } from 'vitest';
import { strategicMerge, StrategicMergeError } from './strategic-merge';

const deployment = () => ({
	apiVersion: 'apps/v1',
	kind: 'Deployment',
	metadata: { name: 'web', finalizers: ['a/b'] },
	spec: {
		replicas: 1,
		strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
		template: {
			spec: {
				containers: [
					{ name: 'app', image: 'app:1', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 80, protocol: 'TCP' }] },
					{ name: 'side', image: 'side:1' }
				]
			}
		}
	}
});

describe('strategicMerge', () => {
	it('merges containers by name, env by name, ports by containerPort', () => {
		const out = strategicMerge(
			deployment(),
			{ spec: { template: { spec: { containers: [{ name: 'app', image: 'app:2', env: [{ name: 'B', value: '2' }], ports: [{ containerPort: 80, name: 'http' }] }] } } } },
			'apps/v1',
			'Deployment'
		) as ReturnType<typeof deployment>;
		const c = out.spec.template.spec.containers;
		expect(c.map((x) => x.name)).toEqual(['app', 'side']);
		expect(c[0]).toEqual({ name: 'app', image: 'app:2', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }] });
	});

	it('deletes list items with $patch: delete and values with null', () => {
		const out = strategicMerge(deployment(), { spec: { replicas: null, template: { spec: { containers: [{ name: 'side', $patch: 'delete' }] } } } }, 'apps/v1', 'Deployment') as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
		expect(out.spec.replicas).toBeUndefined();
		expect(out.spec.template.spec.containers.map((x: { name: string }) => x.name)).toEqual(['app']);
	});

	it('unions primitive lists with strategy merge (finalizers) and removes with $deleteFromPrimitiveList', () => {
		const out = strategicMerge(deployment(), { metadata: { finalizers: ['c/d'], '$deleteFromPrimitiveList/finalizers': ['a/b'] } }, 'apps/v1', 'Deployment');
		expect((out.metadata as { finalizers: string[] }).finalizers).toEqual(['c/d']);
	});

	it('honours $retainKeys on the deployment strategy (type change)', () => {
		const out = strategicMerge(deployment(), { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } }, 'apps/v1', 'Deployment');
		expect((out.spec as { strategy: unknown }).strategy).toEqual({ type: 'Recreate' });
	});

	it('orders lists per $setElementOrder', () => {
		const out = strategicMerge(
			deployment(),
			{ spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'side' }, { name: 'app' }], containers: [{ name: 'side', image: 'side:2' }] } } } },
			'apps/v1',
			'Deployment'
		) as ReturnType<typeof deployment>;
		expect(out.spec.template.spec.containers.map((x) => `${x.name}=${x.image}`)).toEqual(['side=side:2', 'app=app:1']);
	});

	it('replaces lists without a merge strategy (node taints) and maps with $patch: replace', () => {
		const node = { spec: { taints: [{ key: 'a', effect: 'NoSchedule' }] }, metadata: { labels: { x: '1', y: '2' } } };
		const out = strategicMerge(node, { spec: { taints: [{ key: 'b', effect: 'NoExecute' }] }, metadata: { labels: { $patch: 'replace', z: '3' } } }, 'v1', 'Node');
		expect(out).toEqual({ spec: { taints: [{ key: 'b', effect: 'NoExecute' }] }, metadata: { labels: { z: '3' } } });
	});

	it('merges service ports by port and pod conditions by type', () => {
		const svc = { spec: { ports: [{ port: 80, targetPort: 8080 }] } };
		expect(strategicMerge(svc, { spec: { ports: [{ port: 80, name: 'http' }, { port: 443 }] } }, 'v1', 'Service')).toEqual({
			spec: { ports: [{ port: 80, targetPort: 8080, name: 'http' }, { port: 443 }] }
		});
		const pod = { status: { conditions: [{ type: 'Ready', status: 'False' }] } };
		expect(strategicMerge(pod, { status: { conditions: [{ type: 'Ready', status: 'True' }] } }, 'v1', 'Pod')).toEqual({ status: { conditions: [{ type: 'Ready', status: 'True' }] } });
	});

	it.each([
		{ name: 'unknown directive', patch: { spec: { $patch: 'frob' } }, unprocessable: false },
		{ name: 'retainKeys not a list', patch: { spec: { strategy: { $retainKeys: 'type' } } }, unprocessable: false },
		{ name: 'list of lists', patch: { metadata: { finalizers: [['a']] } }, unprocessable: true }
	])('rejects $name', ({ patch, unprocessable }) => {
		try {
			strategicMerge(deployment(), patch, 'apps/v1', 'Deployment');
			expect.unreachable();
		} catch (e) {
			expect(e).toBeInstanceOf(StrategicMergeError);
			expect((e as StrategicMergeError).unprocessable).toBe(unprocessable);
		}
	});
});
