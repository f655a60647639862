/**
 * The room's network plugin, chosen like a CNI: the ConfigMap `kube-system/converge-network`,
 * key `plugin`:
 * - `policy` (default): enforces NetworkPolicy, like Calico or Cilium.
 * - `none`: connects pods but ignores NetworkPolicy, like flannel: policies are stored by the API
 *   server and have no effect ("Creating a NetworkPolicy resource without a controller that
 *   implements it will have no effect").
 * The same ConfigMap holds the simulated cloud's LoadBalancer address pool (`lb-pool.ts`).
 *
 * @module
 */
import type { KubeObject } from './types';
import { evaluateConnection, policyInputs, type Connection, type ConnectionVerdict } from './policy';
import type { ClusterObjects } from './types';

export const NETWORK_CONFIG_NAMESPACE = 'kube-system';
export const NETWORK_CONFIG_NAME = 'converge-network';
export const PLUGIN_KEY = 'plugin';

/** What a network plugin decides about a connection's first packet. */
export interface NetworkPlugin {
	name: PluginName;
	/** One line for the UI: what the plugin is like. */
	description: string;
	/** Egress and ingress verdicts (policies are ignored by a plugin without enforcement). */
	check(conn: Connection, cluster: ClusterObjects): ConnectionVerdict;
}

export type PluginName = 'policy' | 'none';

const enforcing: NetworkPlugin = {
	name: 'policy',
	description: 'enforces NetworkPolicy (like Calico)',
	check: (conn, cluster) => evaluateConnection(conn, policyInputs(cluster.networkPolicies ?? [], cluster.namespaces ?? [], cluster.nodes ?? []))
};

const ignoring: NetworkPlugin = {
	name: 'none',
	description: 'no NetworkPolicy enforcement (like flannel)',
	check: (conn, cluster) => {
		const n = (cluster.networkPolicies ?? []).length;
		const reason = `network plugin "none" does not enforce NetworkPolicy${n ? ` (${n} stored, ignored)` : ''}: allowed`;
		return { allowed: true, egress: { allowed: true, reason }, ingress: { allowed: true, reason } };
	}
};

export const PLUGINS: Record<PluginName, NetworkPlugin> = { policy: enforcing, none: ignoring };

/** The room's network ConfigMap among `configMaps`, if declared. */
export function networkConfigMap(configMaps: KubeObject[] | undefined): KubeObject | undefined {
	return configMaps?.find((cm) => cm.metadata.namespace === NETWORK_CONFIG_NAMESPACE && cm.metadata.name === NETWORK_CONFIG_NAME);
}

/**
 * The plugin the room's ConfigMap selects; `policy` when absent. An unknown name keeps the
 * default and says so in `error` (a CNI config naming a missing plugin fails on a real node;
 * here the room keeps working and the UI shows the error).
 */
export function selectPlugin(configMaps: KubeObject[] | undefined): { plugin: NetworkPlugin; error?: string } {
	const value = (networkConfigMap(configMaps)?.data?.[PLUGIN_KEY] as string | undefined)?.trim();
	if (!value) return { plugin: enforcing };
	if (value in PLUGINS) return { plugin: PLUGINS[value as PluginName] };
	return { plugin: enforcing, error: `${NETWORK_CONFIG_NAMESPACE}/${NETWORK_CONFIG_NAME}: data.${PLUGIN_KEY}: Unsupported value: "${value}": supported values: "none", "policy"` };
}
