/**
 * A room's resource registry: the built-in resources plus those of its established
 * CustomResourceDefinitions, kept current by a watch on the room's CRD keys (a CRD created or
 * changed is served as soon as its status says Established, well within a second). Each change
 * also runs the CRD controller (names, conditions, deletion cleanup; crd-controller.ts).
 *
 * Lookups go through `snapshot()`, an immutable ResourceSet replaced on every change (so caches
 * keyed by it, like the OpenAPI documents, invalidate themselves). CRD groups follow the built-in
 * groups in discovery, alphabetically, each group's versions in kube's priority order.
 *
 * @module
 */
import { compareVersions, crdResources } from '../../src/lib/kube/crd';
import { BUILTIN_SET, type ResourceInfo, type ResourceSet } from '../../src/lib/kube/resources';
import { collectionKey, resourcePrefix } from '../../src/lib/kube/storage-keys';
import { fromUtf8, prefixEnd, utf8 } from '../../src/lib/store/bytes';
import type { Watch } from '../../src/lib/store/backend';
import type { Room } from '../rooms/room';
import type { ApiContext } from './context';
import { CrdController } from './crd-controller';
import { decode, type Stored } from './storage';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const CRD_PREFIX = collectionKey(resourcePrefix('apiextensions.k8s.io', 'customresourcedefinitions'));

/** A ResourceSet of the built-ins and `custom` (custom resources never shadow built-ins). */
export function resourceSetOf(custom: ResourceInfo[]): ResourceSet {
	const byPath = new Map<string, ResourceInfo>();
	for (const r of custom) {
		const path = `${r.group}/${r.version}/${r.resource}`;
		if (!BUILTIN_SET.find(r.group, r.version, r.resource) && !byPath.has(path)) byPath.set(path, r);
	}
	const served = [...byPath.values()];
	const builtinGvs = BUILTIN_SET.groupVersions();
	const customGvs: Array<{ group: string; version: string }> = [];
	for (const group of [...new Set(served.map((r) => r.group))].sort()) {
		const versions = [...new Set(served.filter((r) => r.group === group).map((r) => r.version))].sort(compareVersions);
		for (const version of versions) if (!builtinGvs.some((g) => g.group === group && g.version === version)) customGvs.push({ group, version });
	}
	const gvs = [...builtinGvs, ...customGvs];
	return {
		find: (g, v, r) => BUILTIN_SET.find(g, v, r) ?? byPath.get(`${g}/${v}/${r}`),
		resourcesOf: (g, v) => [
			...BUILTIN_SET.resourcesOf(g, v),
			...served.filter((r) => r.group === g && r.version === v).sort((a, b) => (a.resource < b.resource ? -1 : 1))
		],
		groupVersions: () => gvs
	};
}

export class CrdRegistry {
	private readonly crds = new Map<string, Stored>();
	private set: ResourceSet = BUILTIN_SET;
	private watch?: Watch;
	private readonly controller: CrdController;

	constructor(private readonly ctx: ApiContext) {
		this.controller = new CrdController(ctx, () => [...this.crds.values()].map((s) => s.object));
	}

	/** Loads the room's CRDs and starts watching them (again after a compaction overtook the watch). */
	async start(): Promise<void> {
		const { storage } = this.ctx;
		const page = await storage.page(CRD_PREFIX, CRD_PREFIX, 0, 0);
		this.crds.clear();
		for (const s of page.items) this.crds.set(s.key, s);
		this.rebuild();
		const key = utf8(CRD_PREFIX);
		this.watch?.cancel();
		this.watch = storage.backend.watch({ key, rangeEnd: prefixEnd(key), startRevision: page.revision + 1 }, (m) => {
			if (m.type === 'compacted') void this.start().catch((e) => this.ctx.log(`crd registry: relist failed: ${(e as Error).message}`));
			if (m.type === 'canceled') this.controller.stop();
			if (m.type !== 'events') return;
			const changed: Stored[] = [];
			for (const e of m.events) {
				if (e.type === 'DELETE') this.crds.delete(fromUtf8(e.kv.key));
				else {
					const s = decode(e.kv);
					this.crds.set(s.key, s);
					changed.push(s);
				}
			}
			this.rebuild();
			for (const s of changed) this.controller.reconcile(s);
		});
		for (const s of page.items) this.controller.reconcile(s);
	}

	/** The resources served now. */
	snapshot(): ResourceSet {
		return this.set;
	}

	/** The stored CRD named `name`, if any. */
	crd(name: string): Obj | undefined {
		return this.crds.get(CRD_PREFIX + name)?.object;
	}

	stop(): void {
		this.watch?.cancel();
		this.controller.stop();
	}

	private rebuild(): void {
		this.set = resourceSetOf([...this.crds.values()].flatMap((s) => crdResources(s.object)));
	}
}

const registries = new WeakMap<Room, Promise<CrdRegistry>>();

/** The room's registry, started on first use (`ctx` is what its controller writes with). */
export function registryOf(room: Room, ctx: () => ApiContext): Promise<CrdRegistry> {
	let p = registries.get(room);
	if (!p) {
		const r = new CrdRegistry(ctx());
		p = r.start().then(() => r);
		p.catch(() => registries.delete(room));
		registries.set(room, p);
	}
	return p;
}
