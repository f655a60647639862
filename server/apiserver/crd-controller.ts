/**
 * What apiextensions-apiserver's controllers do to a room's CRDs, run on every CRD change:
 *
 * - naming + establishing: accept the spec's names unless another CRD of the group uses one,
 *   set NamesAccepted / Established and the storage version in storedVersions (crd/status.ts);
 * - finalizing: a CRD being deleted with the `customresourcecleanup.apiextensions.k8s.io`
 *   finalizer gets Terminating (InstanceDeletionInProgress), all its objects are deleted through
 *   the normal delete path (their own finalizers are honoured; the cleanup retries every second
 *   until none is left), then Terminating turns False (InstanceDeletionCompleted) and the
 *   finalizer goes, which removes the CRD.
 *
 * Writes are compare-and-swap on mod_revision; a lost race is retried by the watch event that
 * caused it.
 *
 * @module
 */
import { CRD_CLEANUP_FINALIZER, crdResources, namedStatus, setCondition, TERMINATING } from '../../src/lib/kube/crd';
import { rfc3339 } from '../../src/lib/kube/duration';
import { deepEqual } from '../../src/lib/kube/json-patch';
import type { ResourceInfo } from '../../src/lib/kube/resources';
import { collectionKey, resourcePrefix } from '../../src/lib/kube/storage-keys';
import { makeTarget, type ApiContext } from './context';
import { deleteObject } from './delete';
import { countObject } from './object-count';
import type { Stored } from './storage';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** How long the cleanup waits before looking again at objects held by finalizers. */
export const CRD_CLEANUP_RETRY_MS = 1000;

/** The stored form of a CRD's custom objects (also when no version is served any more). */
function storedResource(crd: Obj): ResourceInfo {
	const infos = crdResources(crd);
	if (infos[0]?.custom?.storage) return infos[0].custom.storage;
	const spec = crd.spec ?? {};
	const plural = spec.names?.plural ?? '';
	return {
		group: spec.group,
		version: (spec.versions ?? [])[0]?.name ?? 'v1',
		kind: spec.names?.kind ?? '',
		resource: plural,
		namespaced: spec.scope !== 'Cluster',
		name: 'subdomain',
		singular: '',
		listKind: '',
		verbs: [],
		status: false,
		scale: false,
		storagePrefix: resourcePrefix(spec.group, plural, true)
	};
}

export class CrdController {
	private readonly cleaning = new Set<string>();
	private stopped = false;

	constructor(
		private readonly ctx: ApiContext,
		private readonly all: () => Obj[]
	) {}

	reconcile(s: Stored): void {
		if (this.stopped) return;
		const crd = s.object;
		const name: string = crd.metadata?.name ?? '';
		if (crd.metadata?.deletionTimestamp) {
			if ((crd.metadata.finalizers ?? []).includes(CRD_CLEANUP_FINALIZER) && !this.cleaning.has(name)) {
				this.cleaning.add(name);
				void this.cleanup(s.key)
					.catch((e) => this.ctx.log(`crd ${name}: cleanup failed: ${(e as Error).message}`))
					.finally(() => this.cleaning.delete(name));
			}
			return;
		}
		const status = namedStatus(crd, this.all(), rfc3339(this.ctx.clock.now()));
		if (deepEqual(status, crd.status)) return;
		void this.ctx.storage.update(s.key, { ...crd, status }, s.modRevision).catch((e) => this.ctx.log(`crd ${name}: status update failed: ${(e as Error).message}`));
	}

	stop(): void {
		this.stopped = true;
	}

	/** Applies `change` to the stored CRD (CAS, retried); deletes it when no finalizer is left. */
	private async update(key: string, change: (crd: Obj) => void): Promise<Obj | undefined> {
		for (let i = 0; i < 16 && !this.stopped; i++) {
			const cur = await this.ctx.storage.get(key);
			if (!cur) return undefined;
			const next = structuredClone(cur.object);
			change(next);
			if (next.metadata.deletionTimestamp && !(next.metadata.finalizers ?? []).length) {
				if ((await this.ctx.storage.delete(key, cur.modRevision)) !== undefined) {
					countObject(this.ctx, -1);
					return undefined;
				}
				continue;
			}
			if (deepEqual(next, cur.object)) return next;
			if ((await this.ctx.storage.update(key, next, cur.modRevision)) !== undefined) return next;
		}
		return undefined;
	}

	private async cleanup(key: string): Promise<void> {
		const now = () => rfc3339(this.ctx.clock.now());
		const crd = await this.update(key, (c) => setCondition((c.status ??= {}), TERMINATING.inProgress, now()));
		if (!crd) return;
		const stored = storedResource(crd);
		const prefix = collectionKey(stored.storagePrefix);
		while (!this.stopped) {
			const page = await this.ctx.storage.page(prefix, prefix, 0, 0);
			if (!page.items.length) break;
			for (const item of page.items) {
				const m = item.object.metadata ?? {};
				if (m.deletionTimestamp) continue;
				try {
					await deleteObject(this.ctx, makeTarget(stored, stored.namespaced ? m.namespace : undefined, m.name), { dryRun: false });
				} catch (e) {
					if ((e as { code?: number }).code !== 404) this.ctx.log(`crd cleanup of ${item.key}: ${(e as Error).message}`);
				}
			}
			if ((await this.ctx.storage.count(prefix)) === 0) break;
			await new Promise((r) => setTimeout(r, CRD_CLEANUP_RETRY_MS));
		}
		if (this.stopped) return;
		await this.update(key, (c) => {
			setCondition((c.status ??= {}), TERMINATING.completed, now());
			c.metadata.finalizers = (c.metadata.finalizers ?? []).filter((f: string) => f !== CRD_CLEANUP_FINALIZER);
			if (!c.metadata.finalizers.length) delete c.metadata.finalizers;
		});
	}
}
