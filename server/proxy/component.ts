/**
 * kube-proxy for one room: like the real DaemonSet it watches Services, EndpointSlices and Nodes
 * (plus its `kube-system/kube-proxy` ConfigMap, key `config.conf`, as kubeadm mounts it) and keeps
 * what every node's proxier would program — here one incremental `ProxyTables` for all nodes,
 * since only locality, zone and node addresses differ between them. It writes nothing to the
 * API; the rules are read through the rooms API (server/proxy/api.ts) and the Network view.
 *
 * @module
 */
import { Controller } from '../../src/lib/controllers/controller';
import { REFS } from '../../src/lib/controllers/refs';
import { RESOURCES, type KubeObject } from '../../src/lib/controllers/types';
import { isProxyConfigMap, proxyConfigFromText, proxyConfigText } from '../../src/lib/proxy/config';
import { ProxyTables } from '../../src/lib/proxy/tables';
import type { ControllerContext, ControllerDefinition } from '../controllers/runtime/context';
import type { Room } from '../rooms/room';


export class KubeProxyComponent extends Controller {
	readonly tables = new ProxyTables();
	/** Errors of the last ConfigMap read (the previous configuration stays in force). */
	configErrors: string[] = [];
	private lastConfigText: string | undefined;

	constructor(private readonly ctx: ControllerContext) {
		// No queue work: informer events update the tables synchronously.
		super(ctx.clock, { name: 'kube-proxy', workers: 0, sync: async () => {} });
		const t = this.tables;
		ctx.informer(REFS.services).addEventHandler({ add: (s) => t.upsertService(s), update: (_, s) => t.upsertService(s), delete: (s) => t.deleteService(s.metadata.namespace!, s.metadata.name!) });
		ctx.informer(REFS.endpointslices).addEventHandler({ add: (s) => t.upsertSlice(s), update: (_, s) => t.upsertSlice(s), delete: (s) => t.deleteSlice(s) });
		ctx.informer(REFS.nodes).addEventHandler({ add: (n) => t.upsertNode(n), update: (_, n) => t.upsertNode(n), delete: (n) => t.deleteNode(n.metadata.name!) });
		const onConfig = (cm: KubeObject | undefined) => this.applyConfig(cm);
		ctx.informer(RESOURCES.configmaps).addEventHandler({
			add: (cm) => isProxyConfigMap(cm) && onConfig(cm),
			update: (_, cm) => isProxyConfigMap(cm) && onConfig(cm),
			delete: (cm) => isProxyConfigMap(cm) && onConfig(undefined)
		});
	}

	/** `cm` undefined = deleted: back to kubeadm's defaults. An invalid one keeps the previous configuration. */
	applyConfig(cm: KubeObject | undefined): void {
		const text = proxyConfigText(cm);
		if (text === this.lastConfigText) return;
		this.lastConfigText = text;
		const { config, errors } = proxyConfigFromText(text);
		if (errors.length) return this.reject(errors, cm!);
		this.configErrors = [];
		this.tables.setConfig(config);
		if (cm) this.ctx.log(`kube-proxy: using mode ${config.mode}`);
	}

	private reject(errors: string[], cm: KubeObject): void {
		this.configErrors = errors;
		this.ctx.log(`kube-proxy: invalid configuration, keeping the previous one: ${errors.join('; ')}`);
		this.ctx.recorder.event(RESOURCES.configmaps, cm, 'Warning', 'InvalidConfiguration', errors.join('; '));
	}
}

export const kubeProxyDefinition: ControllerDefinition = {
	name: 'kube-proxy',
	component: 'kube-proxy',
	create: (ctx) => new KubeProxyComponent(ctx)
};

/** The room's kube-proxy, if the control plane runs it. */
export function roomProxy(room: Room): KubeProxyComponent | undefined {
	const plane = room.controlPlane as { controllers?: unknown[] } | undefined;
	return plane?.controllers?.find((c): c is KubeProxyComponent => c instanceof KubeProxyComponent);
}
