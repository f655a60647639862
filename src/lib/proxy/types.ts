/**
 * The per-node table model: what kube-proxy programs on one node, independent of the backend
 * (iptables, IPVS, nftables). Built from Services, EndpointSlices and Nodes by `tables.ts`
 * following pkg/proxy (serviceport.go, endpointslicecache.go, topology.go `CategorizeEndpoints`);
 * rendered by `render-*.ts`; walked by the packet tracer (src/lib/network).
 *
 * Sharing: the cluster-wide part of a service port (`ServicePortInfo`, its endpoints and chain
 * names) is one object for all nodes; a `NodeServicePort` is shared by every node where the
 * result is the same (same zone, and no Local policy making locality matter).
 *
 * @module
 */

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type ProxyMode = 'iptables' | 'ipvs' | 'nftables';
export type TrafficPolicy = 'Cluster' | 'Local';

/** The parts of a `KubeProxyConfiguration` (kubeproxy.config.k8s.io/v1alpha1) the tables use. */
export interface ProxyConfig {
	mode: ProxyMode;
	/** `clusterCIDR` (the local-traffic detector, `--detect-local-mode=ClusterCIDR`); '' = none. */
	clusterCIDR: string;
	/** `iptables.masqueradeAll`. */
	masqueradeAll: boolean;
	/** `iptables.masqueradeBit` (14 → mark 0x4000). */
	masqueradeBit: number;
	/** `ipvs.scheduler` ('' = rr). */
	ipvsScheduler: string;
}

/** A node as kube-proxy sees it: only the name, zone and addresses matter. */
export interface ProxyNode {
	name: string;
	/** Label `topology.kubernetes.io/zone`, if any. */
	zone?: string;
	/** InternalIP/ExternalIP addresses (NodePort VIPs in IPVS mode, node IP in the tracer). */
	addresses: string[];
	podCIDR?: string;
}

/** The state an endpoint is used in (ready ones first; serving+terminating only as a fallback). */
export type EndpointState = 'ready' | 'terminating' | 'not-ready';

/** One endpoint of a service port, cluster-wide (pkg/proxy `BaseEndpointInfo`). */
export interface EndpointInfo {
	/** `ip:port` (`[ip]:port` for IPv6): the key, and the sort order of rules. */
	endpoint: string;
	ip: string;
	port: number;
	nodeName?: string;
	zone?: string;
	ready: boolean;
	serving: boolean;
	terminating: boolean;
	/** `hints.forZones[*].name`; undefined = no hints. */
	zoneHints?: string[];
	/** `namespace/name` of the target Pod, if any. */
	targetRef?: string;
	state: EndpointState;
}

export type SessionAffinity = { type: 'None' } | { type: 'ClientIP'; timeoutSeconds: number };

/** Chain names (iptables: `KUBE-SVC-<h>` …; nftables: `service-<h8>-ns/svc/proto/port` …). */
export interface ChainNames {
	svc: string;
	svl: string;
	ext: string;
	fw: string;
}

/** A Service port, cluster-wide (pkg/proxy `BaseServicePortInfo`). */
export interface ServicePortInfo {
	/** `ns/name:port` key of the table (`ns/name:` for an unnamed port; unique per Service). */
	key: string;
	/** kube-proxy's `ServicePortName.String()`: `ns/name` plus `:portName` if named. */
	name: string;
	namespace: string;
	service: string;
	portName: string;
	protocol: Protocol;
	clusterIP: string;
	port: number;
	/** 0 = none. */
	nodePort: number;
	externalIPs: string[];
	/** `status.loadBalancer.ingress[*].ip`. */
	loadBalancerIPs: string[];
	loadBalancerSourceRanges: string[];
	/** 0 = none (only ETP=Local LoadBalancer Services get one). */
	healthCheckNodePort: number;
	internalTrafficPolicy: TrafficPolicy;
	externalTrafficPolicy: TrafficPolicy;
	sessionAffinity: SessionAffinity;
	/** Topology-aware routing requested (annotation `service.kubernetes.io/topology-mode` / trafficDistribution). */
	topologyRequested: boolean;
	externallyAccessible: boolean;
	/** ITP=Local. */
	internalLocal: boolean;
	/** ETP=Local and externally accessible. */
	externalLocal: boolean;
	usesCluster: boolean;
	usesLocal: boolean;
	/** All endpoints (any state), deduplicated, sorted by `ip:port` string as kube-proxy does. */
	endpoints: EndpointInfo[];
	iptables: ChainNames;
	nft: ChainNames;
}

/**
 * An endpoint a VIP forwards to, with its share of new connections. Locality is not stored (the
 * entry is shared between nodes): ask `isLocalEndpoint(backend.endpoint, node)` (categorize.ts).
 */
export interface Backend {
	endpoint: EndpointInfo;
	/** 1/n: every backend of a VIP gets an equal share (iptables statistic chain, IPVS rr, nft numgen). */
	probability: number;
	/** iptables `KUBE-SEP-<h>` / nftables `endpoint-<h8>-…` chain. */
	chain: string;
	nftChain: string;
}

export type VipKind = 'ClusterIP' | 'NodePort' | 'ExternalIP' | 'LoadBalancer';

/**
 * What happens to a new connection to a VIP:port on this node.
 * - `forward`: DNAT to one of `backends`.
 * - `reject`: no usable endpoint at all (filter REJECT, "connection refused").
 * - `drop`: a Local policy and no local endpoint (filter DROP, client times out).
 */
export type Verdict = 'forward' | 'reject' | 'drop';

/** One VIP:port/proto on one node. */
export interface VipEntry {
	kind: VipKind;
	/** The VIP; '' for NodePort = every local node address (`--dst-type LOCAL`; `ProxyNode.addresses`). */
	ip: string;
	port: number;
	protocol: Protocol;
	/** The traffic policy that applies (ITP for ClusterIP, ETP for the others). */
	policy: TrafficPolicy;
	verdict: Verdict;
	/** Backends for traffic this VIP's policy governs (for external VIPs: traffic from off the node). */
	backends: Backend[];
	/**
	 * ETP=Local external VIPs: traffic from pods / the node itself is short-circuited to the
	 * cluster-wide backends (KUBE-EXT: "pod traffic for …", "route LOCAL traffic for …").
	 * Undefined when the policy is Cluster (same as `backends`).
	 */
	shortCircuit?: Backend[];
	masquerade: MasqueradeDecision;
	/** LoadBalancer VIPs with `loadBalancerSourceRanges`: only these sources (plus node IPs) get in (KUBE-FW). */
	sourceRanges?: string[];
}

/** When the source address is rewritten (KUBE-MARK-MASQ then KUBE-POSTROUTING MASQUERADE). */
export interface MasqueradeDecision {
	/** Every connection (masqueradeAll, or an ETP=Cluster external VIP from off the node). */
	always: boolean;
	/** Sources outside the cluster CIDR (ClusterIP with a local detector: `! -s <clusterCIDR>`). */
	offCluster: boolean;
	/** Traffic from the node itself (`--src-type LOCAL`) to an ETP=Local external VIP. */
	nodeLocal: boolean;
	/** Hairpin: the chosen endpoint is the client itself (every SEP chain's `-s <ep>/32`). */
	hairpin: true;
}

/** A service port as programmed on one node (shared between nodes where it is identical). */
export interface NodeServicePort {
	info: ServicePortInfo;
	/** `CategorizeEndpoints` results. */
	clusterEndpoints: EndpointInfo[];
	localEndpoints: EndpointInfo[];
	/** Endpoints with a SEP chain on this node (cluster ∪ local). */
	allReachable: EndpointInfo[];
	/** Some usable endpoint exists somewhere (else REJECT). */
	hasEndpoints: boolean;
	/** Topology hints filtered the cluster endpoints on this node. */
	topologyApplied: boolean;
	vips: VipEntry[];
}

/** Everything kube-proxy programs on one node. */
export interface NodeTable {
	node: ProxyNode;
	config: ProxyConfig;
	/** Sorted by `ServicePortInfo.key`. */
	services: NodeServicePort[];
	/** Total endpoints (kube-proxy's large-cluster mode drops comments above 1000). */
	endpointCount: number;
}
