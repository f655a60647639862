/**
 * A tracer environment from plain object lists (a browser's live caches, a revision's snapshot):
 * kube-proxy's tables built with the proxy helper's `tablesFrom`, in the mode of the room's
 * `KubeProxyConfiguration` (ConfigMap `kube-system/kube-proxy`, key `config.conf`, as kubeadm
 * keeps it), unless the caller already holds tables.
 *
 * @module
 */
import { parse } from 'yaml';
import { DEFAULT_PROXY_CONFIG, proxyConfigFrom } from '../proxy/model';
import { tablesFrom } from '../proxy/tables';
import type { NodeTable, ProxyConfig } from '../proxy/types';
import type { TraceEnv } from './trace';
import type { ClusterObjects } from './types';

/** The room's kube-proxy configuration from its ConfigMaps; the defaults if absent or invalid. */
export function roomProxyConfig(cluster: ClusterObjects): ProxyConfig {
	const cm = (cluster.configMaps ?? []).find((c) => c.metadata.namespace === 'kube-system' && c.metadata.name === 'kube-proxy');
	const text = cm?.data?.['config.conf'] as string | undefined;
	if (!text) return DEFAULT_PROXY_CONFIG;
	try {
		const { config, errors } = proxyConfigFrom(parse(text));
		return errors.length ? DEFAULT_PROXY_CONFIG : config;
	} catch {
		return DEFAULT_PROXY_CONFIG;
	}
}

export function traceEnvFrom(cluster: ClusterObjects, table?: (node: string) => NodeTable | undefined): TraceEnv {
	if (table) return { cluster, table };
	const tables = tablesFrom({ services: cluster.services ?? [], slices: cluster.endpointSlices ?? [], nodes: cluster.nodes ?? [], config: roomProxyConfig(cluster) });
	return { cluster, table: (n) => tables.nodeTable(n) };
}
