/**
 * The node IPAM controller's range allocator (pkg/controller/nodeipam, `--allocate-node-cidrs`
 * with `--cluster-cidr=10.244.0.0/16`, kind's default): gives every Node without one a /24 of the
 * cluster CIDR in spec.podCIDR and spec.podCIDRs, the lowest free block first.
 *
 * @module
 */
import { Controller } from '../../src/lib/controllers/controller';
import { isNotFound } from '../../src/lib/controllers/types';
import { NODES } from '../../src/lib/kubelet/refs';
import type { ControllerContext, ControllerDefinition } from './runtime/context';

/** The cluster CIDR's /24 blocks: `10.244.<n>.0/24`. */
export const podCIDR = (n: number) => `10.244.${n}.0/24`;

export const nodeIpamController: ControllerDefinition = {
	name: 'nodeipam',
	component: 'node-ipam-controller',
	create(ctx) {
		const c: Controller = new Controller(ctx.clock, { name: 'nodeipam', workers: 1, sync: (key) => allocate(key, ctx), log: ctx.log });
		const enqueue = (n: { metadata: { name?: string } }) => c.queue.add(n.metadata.name!);
		ctx.informer(NODES).addEventHandler({ add: enqueue, update: (_, n) => enqueue(n) });
		return c;
	}
};

/** Blocks handed out by this process (node → CIDR) whose write the cache may not show yet. */
const pending = new WeakMap<ControllerContext, Map<string, string>>();

async function allocate(name: string, ctx: ControllerContext): Promise<void> {
	const store = ctx.informer(NODES).store;
	const node = store.get(name);
	if (!node || node.spec?.podCIDR) return;
	let mine = pending.get(ctx);
	if (!mine) pending.set(ctx, (mine = new Map()));
	for (const node of mine.keys()) if (store.get(node)?.spec?.podCIDR !== undefined || !store.get(node)) mine.delete(node);
	if (mine.has(name)) return;
	const used = new Set([...store.list().map((n) => n.spec?.podCIDR as string | undefined), ...mine.values()]);
	let n = 0;
	while (used.has(podCIDR(n)) && n < 256) n++;
	if (n >= 256) {
		ctx.recorder.event(NODES, node, 'Normal', 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable`);
		return;
	}
	const cidr = podCIDR(n);
	mine.set(name, cidr);
	try {
		await ctx.client.patch(NODES, undefined, name, 'merge', { spec: { podCIDR: cidr, podCIDRs: [cidr] } });
	} catch (e) {
		mine.delete(name);
		if (!isNotFound(e)) throw e;
	}
}
