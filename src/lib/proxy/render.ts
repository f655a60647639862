/**
 * One entry point for the renderings a node's rules are shown in (rules HTTP API, Network view),
 * and the JSON form of a node's table (locality filled in, shared objects flattened).
 *
 * @module
 */
import { renderIptablesSave, type IptTable } from './render-iptables';
import { renderIpvsadm } from './render-ipvs';
import { renderNftList } from './render-nft';
import { isLocalEndpoint } from './categorize';
import type { Backend, NodeTable, ProxyMode } from './types';

export type RulesFormat = 'iptables' | 'ipvs' | 'nft' | 'json';

export const RULES_FORMATS: RulesFormat[] = ['iptables', 'ipvs', 'nft', 'json'];

/** The text format matching the node's proxy mode (`json` is separate). */
export const formatForMode = (mode: ProxyMode): RulesFormat => (mode === 'ipvs' ? 'ipvs' : mode === 'nftables' ? 'nft' : 'iptables');

export interface RenderOptions {
	now?: Date;
	tables?: IptTable[];
	serviceCIDRs?: string[];
}

export function renderRules(t: NodeTable, format: Exclude<RulesFormat, 'json'>, opts: RenderOptions = {}): string {
	if (format === 'ipvs') return renderIpvsadm(t);
	if (format === 'nft') return renderNftList(t, { serviceCIDRs: opts.serviceCIDRs });
	return renderIptablesSave(t, { now: opts.now, tables: opts.tables });
}

/** A node's table as plain JSON (what `?format=json` answers). */
export function tableJson(t: NodeTable) {
	const node = t.node.name;
	return {
		node: t.node,
		mode: t.config.mode,
		config: t.config,
		endpointCount: t.endpointCount,
		services: t.services.map((e) => ({
			name: e.info.name,
			namespace: e.info.namespace,
			service: e.info.service,
			portName: e.info.portName,
			protocol: e.info.protocol,
			internalTrafficPolicy: e.info.internalTrafficPolicy,
			externalTrafficPolicy: e.info.externalTrafficPolicy,
			healthCheckNodePort: e.info.healthCheckNodePort || undefined,
			sessionAffinity: e.info.sessionAffinity,
			hasEndpoints: e.hasEndpoints,
			topologyApplied: e.topologyApplied,
			chains: { iptables: e.info.iptables, nftables: e.info.nft },
			endpoints: e.info.endpoints.map((ep) => ({ ...ep, local: isLocalEndpoint(ep, node) })),
			vips: e.vips.map((v) => ({
				kind: v.kind,
				ip: v.ip || undefined,
				addresses: v.kind === 'NodePort' ? t.node.addresses : undefined,
				port: v.port,
				protocol: v.protocol,
				policy: v.policy,
				verdict: v.verdict,
				masquerade: v.masquerade,
				sourceRanges: v.sourceRanges,
				backends: v.backends.map((b) => backendJson(b, node)),
				shortCircuit: v.shortCircuit?.map((b) => backendJson(b, node))
			}))
		}))
	};
}

const backendJson = (b: Backend, node: string) => ({ endpoint: b.endpoint.endpoint, node: b.endpoint.nodeName, local: isLocalEndpoint(b.endpoint, node), state: b.endpoint.state, probability: b.probability, chain: b.chain });

export type TableJson = ReturnType<typeof tableJson>;
