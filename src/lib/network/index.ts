/**
 * Pod networking of a room, pure: NetworkPolicy evaluation, the network plugin chosen by the
 * room's ConfigMap, cluster DNS, the ingress controller's routing, the LoadBalancer address pool
 * and the packet tracer over kube-proxy's per-node tables (src/lib/proxy).
 *
 * @module
 */
export type { ClusterObjects, Endpoint, Protocol, Verdict } from './types';
export { evaluateConnection, evaluateDirection, policyInputs, policyTypes, selectingPolicies, type Connection, type ConnectionVerdict, type Direction, type PolicyInputs } from './policy';
export { NETWORK_CONFIG_NAME, NETWORK_CONFIG_NAMESPACE, PLUGINS, PLUGIN_KEY, networkConfigMap, selectPlugin, type NetworkPlugin, type PluginName } from './plugins';
export { CLUSTER_DOMAIN, candidates, query, resolve, searchPath, type DnsQuery, type DnsRecord, type DnsResult } from './dns';
export { ingressClassOf, ingressHosts, ingressStatusAddresses, notServedReason, routeRequest, servedIngresses, type IngressRoute } from './ingress';
export { DEFAULT_LB_POOL, LB_POOL_KEY, allocateLbIP, parseLbPool, poolContains, roomLbPool, type LbPool } from './lb-pool';
export { parseTarget, seededChooser, trace, traceAll, type Outcome, type TraceEnv, type TraceRequest, type TraceResult } from './trace';
export type { Chooser, TraceStep } from './trace-proxy';
export { traceEnvFrom } from './trace-env';
export { INGRESS_CLASSES, INGRESSES, NETWORK_POLICIES } from './refs';
