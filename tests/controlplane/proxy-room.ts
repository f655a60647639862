/**
 * Rooms for the kube-proxy and tracer tests: nodes created through the API and left to the
 * kubelets, which report them Ready with their addresses (what kube-proxy reads), then a
 * namespace and manifests applied with kubectl.
 *
 * @module
 */
import { expect } from 'vitest';
import { eventually } from '../kubectl/harness';
import { startKubeletRoom, type KubeletRoom, type Obj } from './kubelet-room';

/** A paused room with Ready `nodes`; `namespace` created and `manifests` applied when given. */
export async function startProxyRoom(nodes: string[], setup: { namespace?: string; manifests?: string } = {}): Promise<KubeletRoom> {
	const r = await startKubeletRoom();
	await addReadyNodes(r, nodes);
	if (setup.namespace) expect((await r.k.kubectl(['create', 'namespace', setup.namespace])).code).toBe(0);
	if (setup.manifests) {
		const applied = await r.k.kubectl(['apply', '-f', '-'], { input: setup.manifests });
		expect(applied.code, applied.stderr).toBe(0);
	}
	return r;
}

/** Creates the nodes and waits until every one is Ready with an address. */
export async function addReadyNodes(r: KubeletRoom, names: string[]): Promise<void> {
	for (const name of names) await r.send('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } } });
	await eventually(async () => {
		const nodes = (await r.getJson('/api/v1/nodes')).items as Obj[];
		return nodes.filter((n) => n.status?.addresses?.length && n.status?.conditions?.some((c: Obj) => c.type === 'Ready' && c.status === 'True')).length === names.length;
	}, `${names.length} Ready nodes with addresses`);
}
