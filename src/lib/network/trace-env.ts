/**
 * A tracer environment from plain object lists (a browser's live caches, a revision's snapshot):
 * kube-proxy's tables built with the proxy helper's `tablesFrom`, in the mode of the room's
 * `KubeProxyConfiguration` (src/lib/proxy/config.ts), unless the caller already holds tables.
 *
 * @module
 */
import { roomProxyConfig } from '../proxy/config';
import { tablesFrom } from '../proxy/tables';
import type { NodeTable } from '../proxy/types';
import type { TraceEnv } from './trace';
import type { ClusterObjects } from './types';

export function traceEnvFrom(cluster: ClusterObjects, table?: (node: string) => NodeTable | undefined): TraceEnv {
	if (table) return { cluster, table };
	const { config } = roomProxyConfig(cluster.configMaps);
	const tables = tablesFrom({ services: cluster.services ?? [], slices: cluster.endpointSlices ?? [], nodes: cluster.nodes ?? [], config });
	return { cluster, table: (n) => tables.nodeTable(n) };
}
