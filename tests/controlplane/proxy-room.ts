/**
 * Nodes for the kube-proxy and tracer tests: created through the API and left to the kubelets,
 * which report them Ready with their addresses (what kube-proxy reads).
 *
 * @module
 */
import { eventually } from '../kubectl/harness';
import type { KubeletRoom, Obj } from './kubelet-room';

/** Creates the nodes and waits until every one is Ready with an address. */
export async function addReadyNodes(r: KubeletRoom, names: string[]): Promise<void> {
	for (const name of names) await r.send('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } } });
	await eventually(async () => {
		const nodes = (await r.getJson('/api/v1/nodes')).items as Obj[];
		return nodes.filter((n) => n.status?.addresses?.length && n.status?.conditions?.some((c: Obj) => c.type === 'Ready' && c.status === 'True')).length === names.length;
	}, `${names.length} Ready nodes with addresses`);
}
