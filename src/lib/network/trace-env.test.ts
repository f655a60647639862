import { describe, expect, it } from 'vitest';
import { roomProxyConfig, traceEnvFrom } from './trace-env';

const cm = (text: string) => ({ metadata: { namespace: 'kube-system', name: 'kube-proxy' }, data: { 'config.conf': text } });
const node = { metadata: { name: 'n1' }, status: { addresses: [{ type: 'InternalIP', address: '172.18.0.2' }] } };

describe('tracer environment from lists', () => {
	it('reads the proxy mode from kube-system/kube-proxy config.conf', () => {
		expect(roomProxyConfig({ configMaps: [cm('apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ipvs\n')] }).mode).toBe('ipvs');
		expect(roomProxyConfig({}).mode).toBe('iptables');
		expect(roomProxyConfig({ configMaps: [cm('mode: bogus')] }).mode).toBe('iptables');
	});

	it('builds every node\u2019s table in that mode', () => {
		const env = traceEnvFrom({ nodes: [node], configMaps: [cm('mode: nftables')] });
		expect(env.table('n1')?.config.mode).toBe('nftables');
		expect(env.table('nope')).toBeUndefined();
	});
});
