import { describe, expect, it } from 'vitest';
import { proxyConfigFromText, roomProxyConfig } from './config';
import { DEFAULT_PROXY_CONFIG } from './model';

const cm = (data?: Record<string, string>, name = 'kube-proxy') => ({ metadata: { namespace: 'kube-system', name }, ...(data ? { data } : {}) });

describe('the room kube-proxy configuration', () => {
	it('reads the mode from kube-system/kube-proxy config.conf', () => {
		expect(roomProxyConfig([cm({ 'config.conf': 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ipvs\nclusterCIDR: 10.244.0.0/16\n' })])).toEqual({
			config: { ...DEFAULT_PROXY_CONFIG, mode: 'ipvs' },
			errors: []
		});
		expect(roomProxyConfig([cm({ 'config.conf': 'mode: nftables' }, 'other')]).config).toBe(DEFAULT_PROXY_CONFIG);
	});

	it('without a ConfigMap uses kubeadm defaults; an empty or keyless one uses kube-proxy defaults (no clusterCIDR)', () => {
		expect(roomProxyConfig(undefined)).toEqual({ config: DEFAULT_PROXY_CONFIG, errors: [] });
		const bare = { ...DEFAULT_PROXY_CONFIG, clusterCIDR: '' };
		expect(roomProxyConfig([cm({ 'config.conf': '' })])).toEqual({ config: bare, errors: [] });
		expect(roomProxyConfig([cm({ 'config.conf': '{}' })])).toEqual({ config: bare, errors: [] });
		expect(roomProxyConfig([cm()])).toEqual({ config: bare, errors: [] });
	});

	it('reports invalid fields and YAML, with the defaults as the configuration', () => {
		const bad = proxyConfigFromText('mode: bogus');
		expect(bad.config).toBe(DEFAULT_PROXY_CONFIG);
		expect(bad.errors).toEqual(['KubeProxyConfiguration.ProxyMode: Invalid value: "bogus": must be iptables, ipvs, nftables or blank (blank means the best-available proxy [currently iptables])']);
		expect(proxyConfigFromText('mode: [').errors[0]).toMatch(/^data\[config\.conf\]: Invalid value: /);
	});
});
