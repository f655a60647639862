/**
 * What the applier sees of the cluster: one informer per resource it applies (started on first
 * need), the CRDs (declared in the files or live) to address custom kinds, and the wait for a
 * CRD to be Established before its custom resources are applied.
 *
 * @module
 */
import type { Clock } from '../../src/lib/clock/clock';
import { Informer } from '../../src/lib/controllers/informer';
import type { KubeClient, KubeObject, ResourceRef } from '../../src/lib/controllers/types';
import { CRD_RESOURCE, isEstablished, resolveResource, resourceId } from './resources';

type Identity = { apiVersion: string; kind: string; namespace?: string; name: string };

/** `namespace/name`: an object's key in an informer's cache. */
const cacheKey = (r: { namespace?: string; name: string }) => (r.namespace ? `${r.namespace}/${r.name}` : r.name);

export class LiveObjects {
	private readonly informers = new Map<string, Informer>();
	private readonly crds: Informer;

	constructor(
		private readonly client: KubeClient,
		private readonly clock: Clock,
		private readonly log: (m: string) => void,
		/** CRD objects the files declare (they name custom kinds before they are live). */
		private readonly declaredCrds: () => Array<Record<string, unknown>>,
		private readonly onChange: (r: ResourceRef, o: KubeObject) => void
	) {
		this.crds = this.watch(CRD_RESOURCE);
	}

	private watch(r: ResourceRef): Informer {
		const inf = new Informer(this.client, r, this.clock, this.log);
		const changed = (o: KubeObject) => this.onChange(r, o);
		inf.addEventHandler({ add: changed, update: (_, o) => changed(o), delete: changed });
		this.informers.set(resourceId(r), inf);
		inf.start();
		return inf;
	}

	/** The resource of a kind, watching it from now on. */
	ensure(o: { apiVersion: string; kind: string }): ResourceRef | undefined {
		const r = this.resolve(o);
		if (r && !this.informers.has(resourceId(r))) this.watch(r);
		return r;
	}

	resolve(o: { apiVersion: string; kind: string }): ResourceRef | undefined {
		return resolveResource(o.apiVersion, o.kind, () => [...this.declaredCrds(), ...this.crds.store.list()]);
	}

	/** The live object from the informer cache; `known` is false until that informer has listed. */
	get(o: Identity): { live?: KubeObject; known: boolean } {
		const r = this.resolve(o);
		const inf = r && this.informers.get(resourceId(r));
		if (!inf?.hasSynced()) return { known: false };
		const live = inf.store.get(cacheKey(o));
		// List items carry no apiVersion/kind; health rules need them.
		return { live: live && { ...live, apiVersion: o.apiVersion, kind: o.kind }, known: true };
	}

	/** Waits (bounded) until the CRDs serving these custom kinds are Established. */
	async awaitEstablished(objects: Identity[], timeoutMs: number, stopped: () => boolean): Promise<void> {
		const custom = objects.filter((o) => !resolveResource(o.apiVersion, o.kind, () => []));
		if (!custom.length) return;
		const deadline = Date.now() + timeoutMs;
		const ready = () =>
			custom.every((o) => {
				const group = o.apiVersion.split('/')[0];
				return this.crds.store.list().some((c) => c.spec?.group === group && c.spec?.names?.kind === o.kind && isEstablished(c));
			});
		while (!ready() && Date.now() < deadline && !stopped()) await new Promise((r) => setTimeout(r, 20));
	}

	stop(): void {
		for (const inf of this.informers.values()) inf.stop();
	}
}
