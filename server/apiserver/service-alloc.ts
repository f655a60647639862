/**
 * Service ClusterIP and NodePort allocation over a room's store. The allocator state lives where
 * kube-apiserver 1.32 keeps it by default, as RangeAllocation objects at
 * `/registry/ranges/serviceips` and `/registry/ranges/servicenodeports`; unlike kube (which
 * writes them apart from the Service and runs repair controllers to fix leaks), every Service
 * write here stores the Service and the ranges it changed in one txn guarded by their
 * mod_revisions, so a failed or lost request allocates nothing. A txn lost to another
 * allocation is retried with fresh ranges.
 *
 * @module
 */
import { utf8 } from '../../src/lib/store/bytes';
import type { Compare, RequestOp } from '../../src/lib/store/types';
import { allocateCreate, allocateUpdate, prepareServiceUpdate, releaseService, type ServiceRanges } from '../../src/lib/kube/service-alloc';
import { IPRange, PortRange, type RangeAllocation } from '../../src/lib/kube/service-alloc-range';
import { DEFAULT_SERVICE_CIDR } from '../../src/lib/kube/ip-range';
import { conflict } from '../../src/lib/kube/api-errors';
import { encode, type ObjectStorage } from './storage';
import type { Target } from './context';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A room's service network (kube-apiserver's `--service-node-port-range`, and where it listens).
 * The service range is the room's (RoomMeta.serviceCIDR, DEFAULT_SERVICE_CIDR when unset): it is
 * written into the stored RangeAllocation when the room's API first starts, and read back from
 * there on every allocation, as kube-apiserver keeps it.
 */
export const SERVICE_NETWORK = {
	nodePortRange: '30000-32767',
	/** Where the simulated kube-apiserver listens (the `kubernetes` Service's endpoint, like kind's control plane). */
	apiServerAddress: '172.18.0.2',
	apiServerPort: 6443
} as const;

export const SERVICE_IPS_KEY = '/registry/ranges/serviceips';
export const NODE_PORTS_KEY = '/registry/ranges/servicenodeports';
const ATTEMPTS = 16;

interface Loaded {
	ranges: ServiceRanges;
	/** mod_revision of each range key (0: absent). */
	revs: [number, number];
	/** The stored `data` of each range, to write only what changed. */
	data: [string | undefined, string | undefined];
}

async function loadRanges(storage: ObjectStorage): Promise<Loaded> {
	const [ips, ports] = await Promise.all([storage.get(SERVICE_IPS_KEY), storage.get(NODE_PORTS_KEY)]);
	const ipSnap = ips?.object as RangeAllocation | undefined;
	const portSnap = ports?.object as RangeAllocation | undefined;
	return {
		ranges: { ips: new IPRange(ipSnap?.range ?? DEFAULT_SERVICE_CIDR, ipSnap), ports: new PortRange(SERVICE_NETWORK.nodePortRange, portSnap) },
		revs: [ips?.modRevision ?? 0, ports?.modRevision ?? 0],
		data: [ipSnap ? ipSnap.data : undefined, portSnap?.range === SERVICE_NETWORK.nodePortRange ? portSnap.data : undefined]
	};
}

/** Compares that pin the ranges as read, and puts of the ones that changed. */
function rangeOps(l: Loaded): { compare: Compare[]; puts: RequestOp[] } {
	const snaps = [l.ranges.ips.snapshot(), l.ranges.ports.snapshot()];
	const compare: Compare[] = [];
	const puts: RequestOp[] = [];
	[SERVICE_IPS_KEY, NODE_PORTS_KEY].forEach((key, i) => {
		if (snaps[i].data === l.data[i]) return;
		const k = utf8(key);
		compare.push(l.revs[i] ? { key: k, target: 'MOD', result: 'EQUAL', modRevision: l.revs[i] } : { key: k, target: 'CREATE', result: 'EQUAL', createRevision: 0 });
		puts.push({ requestPut: { key: k, value: utf8(JSON.stringify(snaps[i])) } });
	});
	return { compare, puts };
}

const queues = new WeakMap<object, Promise<unknown>>();

/**
 * Runs allocating writes of one store one at a time, as kube's allocators hold a lock: the txn
 * compares keep them correct anyway, but without the queue concurrent creates would keep
 * invalidating each other's ranges.
 */
function serialized<T>(storage: ObjectStorage, fn: () => Promise<T>): Promise<T> {
	const prev = queues.get(storage.backend) ?? Promise.resolve();
	const run = prev.then(fn, fn);
	queues.set(storage.backend, run.catch(() => undefined));
	return run;
}

const countOf = (op: unknown): number => (op as { responseRange?: { count: number } }).responseRange?.count ?? 0;

/** Allocations of one Service write over the room's ranges (undefined for other resources). */
export interface ServiceAllocations {
	/** Before validation of an update: drop what the new type does not need, keep what the request left out. */
	prepareUpdate(next: Obj, old: Obj): void;
	/** What a dry run shows (nothing is stored). */
	dryRunCreate(svc: Obj): Promise<void>;
	dryRunUpdate(next: Obj, old: Obj): Promise<void>;
	/** Creates `svc` (filled with its allocations) with its ranges; like ObjectStorage.create. */
	create(key: string, svc: Obj, nsKey?: string): Promise<{ revision: number } | { failed: 'exists' | 'missing' }>;
	/** Replaces `old` (at mod_revision `expected`) by `next`; like ObjectStorage.update. */
	update(key: string, next: Obj, old: Obj, expected: number): Promise<number | undefined>;
	/** Deletes `old` (at mod_revision `expected`) and releases what it held; like ObjectStorage.delete. */
	delete(key: string, old: Obj, expected: number): Promise<number | undefined>;
}

export function serviceAllocations(storage: ObjectStorage, t: Target, random: () => number = Math.random): ServiceAllocations | undefined {
	if (t.stored.kind !== 'Service' || t.stored.group !== '') return undefined;
	return {
		prepareUpdate: prepareServiceUpdate,
		async dryRunCreate(svc) {
			allocateCreate(svc, (await loadRanges(storage)).ranges, { dryRun: true, random });
		},
		async dryRunUpdate(next, old) {
			allocateUpdate(next, old, (await loadRanges(storage)).ranges, { dryRun: true, random });
		},
		create: (key, svc, nsKey) => serialized(storage, () => createService(storage, key, svc, nsKey, random)),
		update: (key, next, old, expected) => serialized(storage, () => updateService(storage, key, next, old, expected, random)),
		delete: (key, old, expected) => serialized(storage, () => deleteService(storage, key, old, expected))
	};
}

async function createService(storage: ObjectStorage, key: string, svc: Obj, nsKey: string | undefined, random: () => number) {
	const k = utf8(key);
	for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
		const l = await loadRanges(storage);
		const next = structuredClone(svc);
		allocateCreate(next, l.ranges, { dryRun: false, random });
		const ops = rangeOps(l);
		const compare: Compare[] = [{ key: k, target: 'CREATE', result: 'EQUAL', createRevision: 0 }, ...ops.compare];
		if (nsKey) compare.push({ key: utf8(nsKey), target: 'CREATE', result: 'GREATER', createRevision: 0 });
		const r = await storage.backend.txn({
			compare,
			success: [{ requestPut: { key: k, value: utf8(encode(next)) } }, ...ops.puts],
			failure: [{ requestRange: { key: k, countOnly: true } }, ...(nsKey ? [{ requestRange: { key: utf8(nsKey), countOnly: true } }] : [])]
		});
		if (r.succeeded) {
			svc.spec = next.spec;
			return { revision: r.header.revision };
		}
		if (countOf(r.responses[0]) > 0) return { failed: 'exists' as const };
		if (nsKey && countOf(r.responses[1]) === 0) return { failed: 'missing' as const };
	}
	throw conflict({ group: '', resource: 'services' }, svc.metadata?.name ?? '');
}

async function updateService(storage: ObjectStorage, key: string, next: Obj, old: Obj, expected: number, random: () => number) {
	let candidate = next;
	const rev = await writeGuarded(storage, key, expected, (ranges) => {
		candidate = structuredClone(next);
		allocateUpdate(candidate, old, ranges, { dryRun: false, random });
		return { requestPut: { key: utf8(key), value: utf8(encode(candidate)) } };
	});
	if (rev !== undefined) next.spec = candidate.spec;
	return rev;
}

function deleteService(storage: ObjectStorage, key: string, old: Obj, expected: number) {
	return writeGuarded(storage, key, expected, (ranges) => {
		releaseService(old, ranges);
		return { requestDeleteRange: { key: utf8(key) } };
	});
}

/**
 * One txn: `op` on the Service key (still at mod_revision `expected`) and the ranges `change`
 * left; retried with fresh ranges when only they moved; undefined when the Service did.
 */
async function writeGuarded(storage: ObjectStorage, key: string, expected: number, change: (r: ServiceRanges) => RequestOp): Promise<number | undefined> {
	const k = utf8(key);
	for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
		const l = await loadRanges(storage);
		const op = change(l.ranges);
		const ops = rangeOps(l);
		const r = await storage.backend.txn({
			compare: [{ key: k, target: 'MOD', result: 'EQUAL', modRevision: expected }, ...ops.compare],
			success: [op, ...ops.puts],
			failure: [{ requestRange: { key: k, keysOnly: true } }]
		});
		if (r.succeeded) return r.header.revision;
		const cur = (r.responses[0] as { responseRange?: { kvs: Array<{ modRevision: number }> } }).responseRange?.kvs[0];
		if (!cur || cur.modRevision !== expected) return undefined;
	}
	return undefined;
}

/**
 * kube's repair controllers, run once when a room's API starts: ranges that are missing (a room
 * from before allocation existed) are rebuilt from the stored Services. Stored ranges are
 * trusted, since they only ever change together with the Services.
 */
export async function repairRanges(storage: ObjectStorage, servicesPrefix: string, serviceCIDR: string): Promise<void> {
	const l = await loadRanges(storage);
	if (l.revs[0] && l.revs[1]) return;
	const fresh: ServiceRanges = { ips: l.revs[0] ? l.ranges.ips : new IPRange(serviceCIDR), ports: new PortRange(SERVICE_NETWORK.nodePortRange) };
	const page = await storage.page(servicesPrefix, servicesPrefix, 0, 0);
	for (const { object: svc } of page.items) {
		for (const ip of svc.spec?.type === 'ExternalName' ? [] : (svc.spec?.clusterIPs ?? [])) if (ip !== 'None') tryAlloc(() => fresh.ips.allocate(ip));
		for (const p of svc.spec?.ports ?? []) if (p.nodePort) tryAlloc(() => fresh.ports.allocate(p.nodePort));
		if (svc.spec?.healthCheckNodePort) tryAlloc(() => fresh.ports.allocate(svc.spec.healthCheckNodePort));
	}
	const puts: RequestOp[] = [];
	const compare: Compare[] = [];
	const snaps: Array<[string, RangeAllocation, number]> = [
		[SERVICE_IPS_KEY, fresh.ips.snapshot(), l.revs[0]],
		[NODE_PORTS_KEY, fresh.ports.snapshot(), l.revs[1]]
	];
	for (const [key, snap, rev] of snaps) {
		if (rev) continue;
		compare.push({ key: utf8(key), target: 'CREATE', result: 'EQUAL', createRevision: 0 });
		puts.push({ requestPut: { key: utf8(key), value: utf8(JSON.stringify(snap)) } });
	}
	// A concurrent starter that wrote them first wins; its ranges came from the same Services.
	await storage.backend.txn({ compare, success: puts, failure: [] });
}

/** Allocations that fail (a Service outside the range, a duplicate) are left as kube's repair leaves them: reported, not fixed. */
function tryAlloc(fn: () => void): void {
	try {
		fn();
	} catch {
		/* not ours to fix */
	}
}
