/**
 * The room's kube-proxy configuration, read the one way every reader uses (the kube-proxy
 * component, the rules API at a past revision, the Network view, the tracer): the ConfigMap
 * `kube-system/kube-proxy`, key `config.conf`, holding a `KubeProxyConfiguration` as kubeadm
 * keeps it.
 *
 * - No ConfigMap: kubeadm's defaults (`DEFAULT_PROXY_CONFIG`, clusterCIDR = the pod subnet).
 * - A ConfigMap whose `config.conf` is missing, empty or `{}`: kube-proxy's own defaults (mode
 *   iptables, no clusterCIDR, so no local-traffic detector), as if the file held only
 *   `kind: KubeProxyConfiguration`.
 * - Invalid YAML or fields: the errors, with the defaults as `config` (the live component keeps
 *   its previous configuration instead, like a kube-proxy that refuses to restart).
 *
 * @module
 */
import { parse } from 'yaml';
import type { KubeObject } from '../controllers/types';
import { DEFAULT_PROXY_CONFIG, proxyConfigFrom } from './model';
import type { ProxyConfig } from './types';

export const PROXY_CONFIG_NAMESPACE = 'kube-system';
export const PROXY_CONFIG_NAME = 'kube-proxy';
export const PROXY_CONFIG_KEY = 'config.conf';

export const isProxyConfigMap = (cm: KubeObject): boolean => cm.metadata.namespace === PROXY_CONFIG_NAMESPACE && cm.metadata.name === PROXY_CONFIG_NAME;

export interface RoomProxyConfig {
	config: ProxyConfig;
	errors: string[];
}

/** The text of `config.conf` (undefined = no ConfigMap at all) → configuration. */
export function proxyConfigFromText(text: string | undefined): RoomProxyConfig {
	if (text === undefined) return { config: DEFAULT_PROXY_CONFIG, errors: [] };
	let obj: unknown;
	try {
		obj = parse(text);
	} catch (e) {
		return { config: DEFAULT_PROXY_CONFIG, errors: [`data[${PROXY_CONFIG_KEY}]: Invalid value: ${(e as Error).message.split('\n')[0]}`] };
	}
	const r = proxyConfigFrom(obj ?? {});
	return r.errors.length ? { config: DEFAULT_PROXY_CONFIG, errors: r.errors } : r;
}

/** The text a ConfigMap carries (`''` when the key is missing), or undefined without one. */
export const proxyConfigText = (cm: KubeObject | undefined): string | undefined => (cm ? ((cm.data?.[PROXY_CONFIG_KEY] as string | undefined) ?? '') : undefined);

/** The room's configuration from a list of ConfigMaps (any namespaces). */
export const roomProxyConfig = (configMaps: KubeObject[] | undefined): RoomProxyConfig => proxyConfigFromText(proxyConfigText((configMaps ?? []).find(isProxyConfigMap)));
