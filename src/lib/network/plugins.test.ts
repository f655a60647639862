import { describe, expect, it } from 'vitest';
import { selectPlugin } from './plugins';
import type { ClusterObjects, KubeObject } from './types';

const cm = (plugin?: string): KubeObject => ({ metadata: { namespace: 'kube-system', name: 'converge-network' }, data: plugin === undefined ? {} : { plugin } });
const db = { ip: '10.244.1.10', pod: { metadata: { namespace: 'default', name: 'db', labels: {} }, spec: { nodeName: 'n' } } };
const cluster: ClusterObjects = { networkPolicies: [{ metadata: { namespace: 'default', name: 'deny' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } }] };
const conn = { from: { ip: '10.244.2.5' }, to: db, port: 80, protocol: 'TCP' as const };

describe('network plugin selection', () => {
	it('enforces policies by default (no ConfigMap, or no key)', () => {
		for (const cms of [undefined, [cm()]]) {
			const { plugin, error } = selectPlugin(cms);
			expect(plugin.name).toBe('policy');
			expect(error).toBeUndefined();
			expect(plugin.check(conn, cluster).allowed).toBe(false);
		}
	});

	it('"none" stores policies and ignores them, like flannel', () => {
		const { plugin } = selectPlugin([cm('none')]);
		const v = plugin.check(conn, cluster);
		expect(v.allowed).toBe(true);
		expect(v.ingress.reason).toBe('network plugin "none" does not enforce NetworkPolicy (1 stored, ignored): allowed');
	});

	it('an unknown plugin keeps enforcement and reports the value', () => {
		const { plugin, error } = selectPlugin([cm('weave')]);
		expect(plugin.name).toBe('policy');
		expect(error).toBe('kube-system/converge-network: data.plugin: Unsupported value: "weave": supported values: "none", "policy"');
	});
});
