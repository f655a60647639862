/**
 * The applier's inventory: which objects it applied, from which file and document. It lives in
 * the cluster like an ApplySet parent (KEP-3659): a ConfigMap `kube-system/converge-inventory`
 * whose `objects` key lists them, written through the API by the applier. Prune deletes only
 * what is listed there (and still carries the tracking annotation), never an object someone else
 * created with the same name.
 *
 * @module
 */
import { isNotFound, RESOURCES, type KubeClient } from '../../src/lib/controllers/types';
import type { ObjectRef } from '../../src/lib/sync/apply-plan';

export const INVENTORY = { namespace: 'kube-system', name: 'converge-inventory', manager: 'converge-applier' } as const;

export class Inventory {
	private refs: ObjectRef[] | undefined;
	private saved = '';

	constructor(private readonly client: KubeClient) {}

	/** What the inventory holds now (empty until loaded). */
	current(): ObjectRef[] {
		return this.refs ?? [];
	}

	async load(): Promise<ObjectRef[]> {
		if (this.refs) return this.refs;
		try {
			const cm = await this.client.get(RESOURCES.configmaps, INVENTORY.namespace, INVENTORY.name);
			this.saved = cm.data?.objects ?? '[]';
			this.refs = JSON.parse(this.saved) as ObjectRef[];
		} catch (e) {
			if (!isNotFound(e) && !(e instanceof SyntaxError)) throw e;
			this.refs = [];
			this.saved = '[]';
		}
		return this.refs;
	}

	async save(refs: ObjectRef[]): Promise<void> {
		this.refs = refs;
		const json = JSON.stringify(refs);
		if (json === this.saved || !this.client.apply) return;
		await this.client.apply(
			RESOURCES.configmaps,
			{
				apiVersion: 'v1',
				kind: 'ConfigMap',
				metadata: {
					name: INVENTORY.name,
					namespace: INVENTORY.namespace,
					annotations: { 'kubernetes.io/description': "The objects converge's applier applied from the room's files (its prune inventory)." }
				},
				data: { objects: json }
			},
			{ fieldManager: INVENTORY.manager, force: true }
		);
		this.saved = json;
	}
}
