/**
 * What kube-proxy programs on every node, kept incrementally like its change trackers
 * (servicechangetracker / endpointschangetracker): Services, EndpointSlices and Nodes go in one
 * at a time; a change recomputes only the touched Service's ports. Per node, a service port's
 * entry is shared by every node where it is the same: one entry cluster-wide for Cluster
 * policies, one per zone when zone hints apply, and one per node only for Local policies on
 * nodes that have endpoints of it (all other nodes share the "no local endpoints" entry).
 *
 * @module
 */
import type { KubeObject } from '../controllers/types';
import { allReadyHinted, nodeServicePort } from './categorize';
import { DEFAULT_PROXY_CONFIG, HEADLESS_LABEL, mergeEndpoints, proxyNode, SERVICE_NAME_LABEL, servicePorts } from './model';
import type { EndpointInfo, NodeServicePort, NodeTable, ProxyConfig, ProxyNode, ServicePortInfo } from './types';

interface PortState {
	info: ServicePortInfo;
	/** Nodes with at least one endpoint of this port. */
	endpointNodes: Set<string>;
	/** Zone hints may make nodes differ by zone. */
	zoned: boolean;
	/** The one entry of every node when neither Local policy nor zone hints apply. */
	shared?: NodeServicePort;
	variants: Map<string, NodeServicePort>;
}

const byKey = (a: PortState, b: PortState) => (a.info.key < b.info.key ? -1 : a.info.key > b.info.key ? 1 : 0);

export class ProxyTables {
	private services = new Map<string, KubeObject>();
	private bases = new Map<string, Omit<ServicePortInfo, 'endpoints'>[]>();
	private slices = new Map<string, Map<string, KubeObject>>();
	private ports = new Map<string, PortState[]>();
	private nodes = new Map<string, ProxyNode>();
	private sorted: PortState[] | undefined;
	/** Endpoints across all service ports (large-cluster mode above 1000). */
	endpointCount = 0;
	/** Bumped on every change that can alter some node's table. */
	generation = 0;

	constructor(private cfg: ProxyConfig = DEFAULT_PROXY_CONFIG) {}

	get config(): ProxyConfig {
		return this.cfg;
	}

	setConfig(config: ProxyConfig): void {
		if (JSON.stringify(config) === JSON.stringify(this.cfg)) return;
		this.cfg = config;
		for (const list of this.ports.values())
			for (const ps of list) {
				ps.variants.clear();
				ps.shared = undefined;
			}
		this.generation++;
	}

	upsertNode(node: KubeObject): void {
		const n = proxyNode(node);
		const old = this.nodes.get(n.name);
		if (old && old.zone === n.zone && old.addresses.join() === n.addresses.join() && old.podCIDR === n.podCIDR) return;
		this.nodes.set(n.name, n);
		this.generation++;
	}

	deleteNode(name: string): void {
		if (this.nodes.delete(name)) this.generation++;
	}

	nodeNames(): string[] {
		return [...this.nodes.keys()].sort();
	}

	node(name: string): ProxyNode | undefined {
		return this.nodes.get(name);
	}

	/** Returns the Service key (`ns/name`) recomputed. */
	upsertService(svc: KubeObject): string {
		const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
		this.services.set(key, svc);
		this.bases.set(key, servicePorts(svc));
		this.recompute(key);
		return key;
	}

	deleteService(namespace: string, name: string): string {
		const key = `${namespace}/${name}`;
		this.services.delete(key);
		this.bases.delete(key);
		this.recompute(key);
		return key;
	}

	/** Returns the Service key the slice belongs to, or undefined if it is not a proxied slice. */
	upsertSlice(slice: KubeObject): string | undefined {
		const key = sliceServiceKey(slice);
		if (!key) return undefined;
		let m = this.slices.get(key);
		if (!m) this.slices.set(key, (m = new Map()));
		m.set(slice.metadata.name ?? '', slice);
		this.recompute(key);
		return key;
	}

	deleteSlice(slice: KubeObject): string | undefined {
		const key = sliceServiceKey(slice);
		if (!key) return undefined;
		const m = this.slices.get(key);
		if (!m?.delete(slice.metadata.name ?? '')) return undefined;
		if (m.size === 0) this.slices.delete(key);
		this.recompute(key);
		return key;
	}

	private recompute(key: string): void {
		const old = this.ports.get(key) ?? [];
		for (const ps of old) this.endpointCount -= ps.info.endpoints.length;
		const bases = this.bases.get(key) ?? [];
		const eps = bases.length ? mergeEndpoints(this.slices.get(key)?.values() ?? []) : new Map<string, EndpointInfo[]>();
		const next: PortState[] = bases.map((base) => {
			const endpoints = eps.get(`${base.portName}:${base.protocol}`) ?? [];
			this.endpointCount += endpoints.length;
			return { info: { ...base, endpoints }, endpointNodes: new Set(endpoints.map((e) => e.nodeName ?? '')), zoned: allReadyHinted(endpoints), variants: new Map() };
		});
		if (next.length) this.ports.set(key, next);
		else this.ports.delete(key);
		if (old.length !== next.length || old.some((o, i) => o.info.key !== next[i].info.key)) this.sorted = undefined;
		else if (this.sorted) for (let i = 0; i < next.length; i++) this.sorted[this.sorted.indexOf(old[i])] = next[i];
		this.generation++;
	}

	private all(): PortState[] {
		return (this.sorted ??= [...this.ports.values()].flat().sort(byKey));
	}

	private entry(ps: PortState, node: ProxyNode): NodeServicePort {
		if (!ps.zoned && !ps.info.usesLocal) return (ps.shared ??= nodeServicePort(ps.info, '', undefined, this.cfg));
		const zone = ps.zoned ? (node.zone ?? '') : undefined;
		const local = ps.info.usesLocal ? (ps.endpointNodes.has(node.name) ? node.name : '') : undefined;
		const variant = `${zone ?? '*'}|${local ?? '*'}`;
		let e = ps.variants.get(variant);
		if (!e) ps.variants.set(variant, (e = nodeServicePort(ps.info, local ? node.name : '', node.zone, this.cfg)));
		return e;
	}

	/** The node's table, or undefined for an unknown node. */
	nodeTable(nodeName: string): NodeTable | undefined {
		const node = this.nodes.get(nodeName);
		if (!node) return undefined;
		return { node, config: this.cfg, services: this.all().map((ps) => this.entry(ps, node)), endpointCount: this.endpointCount };
	}

	/** One Service's ports on every node (the "side by side" view), or [] if not proxied. */
	serviceAcrossNodes(namespace: string, name: string): { node: ProxyNode; ports: NodeServicePort[] }[] {
		const ports = this.ports.get(`${namespace}/${name}`) ?? [];
		return this.nodeNames().map((n) => {
			const node = this.nodes.get(n)!;
			return { node, ports: ports.map((ps) => this.entry(ps, node)) };
		});
	}

	/** Brings one Service's entries up to date on every node (what a sync after one change costs). */
	refreshService(key: string): number {
		let computed = 0;
		for (const ps of this.ports.get(key) ?? []) {
			const before = ps.variants.size + (ps.shared ? 1 : 0);
			for (const node of this.nodes.values()) this.entry(ps, node);
			computed += ps.variants.size + (ps.shared ? 1 : 0) - before;
		}
		return computed;
	}

	servicePortInfos(): ServicePortInfo[] {
		return this.all().map((ps) => ps.info);
	}
}

/** The Service a slice feeds (`kubernetes.io/service-name`), unless headless. */
export function sliceServiceKey(slice: KubeObject): string | undefined {
	const name = slice.metadata.labels?.[SERVICE_NAME_LABEL];
	if (!name || slice.metadata.labels?.[HEADLESS_LABEL] !== undefined) return undefined;
	return `${slice.metadata.namespace}/${name}`;
}

/** Builds the tables from lists (a revision's snapshot, tests). */
export function tablesFrom(objs: { services: KubeObject[]; slices: KubeObject[]; nodes: KubeObject[]; config?: ProxyConfig }): ProxyTables {
	const t = new ProxyTables(objs.config);
	for (const n of objs.nodes) t.upsertNode(n);
	for (const s of objs.services) t.upsertService(s);
	for (const s of objs.slices) t.upsertSlice(s);
	return t;
}
