import { describe, expect, it } from 'vitest';
import { traceEnvFrom } from './trace-env';

const cm = (text: string) => ({ metadata: { namespace: 'kube-system', name: 'kube-proxy' }, data: { 'config.conf': text } });
const node = { metadata: { name: 'n1' }, status: { addresses: [{ type: 'InternalIP', address: '172.18.0.2' }] } };

describe('tracer environment from lists', () => {
	it('builds every node\u2019s table in the mode of kube-system/kube-proxy config.conf', () => {
		const env = traceEnvFrom({ nodes: [node], configMaps: [cm('mode: nftables')] });
		expect(env.table('n1')?.config.mode).toBe('nftables');
		expect(env.table('nope')).toBeUndefined();
		expect(traceEnvFrom({ nodes: [node] }).table('n1')?.config).toMatchObject({ mode: 'iptables', clusterCIDR: '10.244.0.0/16' });
	});
});
