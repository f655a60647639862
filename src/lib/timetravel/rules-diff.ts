/**
 * kube-proxy's rendered rules at any retained revision, from the browser's replica (the same
 * src/lib/proxy code the live view and the server's rules API run), and the line diff of one
 * node's rules between two revisions: what a Service change did to iptables, IPVS or nftables.
 *
 * @module
 */
import type { KubeObject, ResourceRef } from '../controllers/types';
import { UI_RESOURCES } from '../kube-client/resources';
import { collectionKey } from '../kube/storage-keys';
import { roomProxyConfig } from '../proxy/config';
import { diffLines, type DiffLine } from '../proxy/diff';
import { renderRules, tableJson, type RenderOptions, type RulesFormat } from '../proxy/render';
import { tablesFrom, type ProxyTables } from '../proxy/tables';
import type { NodeTable } from '../proxy/types';
import { ObjectDecoder, prefixOfResource } from './decode';
import type { Replica } from './replica';

function listAt(replica: Replica, r: ResourceRef, rev: number, decoder: ObjectDecoder): KubeObject[] {
	const out: KubeObject[] = [];
	for (const kv of replica.range(collectionKey(prefixOfResource(r)), rev)) {
		const obj = decoder.decode(kv);
		if (obj) out.push(obj);
	}
	return out;
}

/** kube-proxy's tables of the room at `rev` (0 = the replica's newest revision). */
export function tablesAt(replica: Replica, rev: number, decoder = new ObjectDecoder()): ProxyTables {
	const list = (r: ResourceRef) => listAt(replica, r, rev, decoder);
	return tablesFrom({
		services: list(UI_RESOURCES.services),
		slices: list(UI_RESOURCES.endpointslices),
		nodes: list(UI_RESOURCES.nodes),
		config: roomProxyConfig(list(UI_RESOURCES.configmaps)).config
	});
}

/** A node's table as text: the rules as `format` renders them, or the rules API's JSON. */
export function rulesText(table: NodeTable | undefined, format: RulesFormat, opts?: RenderOptions): string {
	if (!table) return '';
	return format === 'json' ? JSON.stringify(tableJson(table), null, 2) + '\n' : renderRules(table, format, opts);
}

/** The lines of `node`'s rules that differ from `before` to `after` (a node absent on one side: all its lines). */
export function nodeRulesDiff(before: ProxyTables, after: ProxyTables, node: string, format: RulesFormat, opts?: RenderOptions): DiffLine[] {
	return diffLines(rulesText(before.nodeTable(node), format, opts), rulesText(after.nodeTable(node), format, opts)).filter((l) => l.op !== ' ' && l.text !== '');
}
