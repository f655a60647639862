/**
 * A room's retained history as the replica snapshot (src/lib/timetravel/snapshot.ts): the
 * embedded store's own engine snapshot, or, on a real etcd, read through the `Backend` like any
 * client would (the keys live at the compaction revision, then every event since, caught up by a
 * watch from the compaction revision: etcd keeps exactly these).
 *
 * Concurrent requests for the same room share one build, and the body of the last build is
 * reused while the room's revision has not moved.
 *
 * @module
 */
import { gzipSync } from 'node:zlib';
import type { Backend } from '../../src/lib/store/backend';
import { EmbeddedStore } from '../../src/lib/store/embedded-store';
import type { Event } from '../../src/lib/store/types';
import { encodeReplicaSnapshot, engineSnapshot, engineSnapshotHeader, forEachVersion } from '../../src/lib/timetravel/snapshot';
import { newestTimestamp, RevisionTimes } from '../../src/lib/timetravel/times';

const ALL = new Uint8Array([0]);
/** How long a watch may take to catch up before the snapshot fails (a stuck backend). */
const CATCH_UP_MS = 30_000;

export interface SnapshotBody {
	revision: number;
	compactRevision: number;
	/** The replica snapshot (src/lib/timetravel/snapshot.ts). */
	body: Uint8Array;
	/** The body gzipped, as served (made on first use). */
	gzipped(): Uint8Array;
}

/** Every event of revisions [from, to] through a watch that catches up from `from`. */
function eventsBetween(store: Backend, from: number, to: number): Promise<Event[]> {
	return new Promise((resolve, reject) => {
		const events: Event[] = [];
		let done = false;
		let timer: ReturnType<typeof setTimeout> | undefined;
		const finish = (err?: Error) => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			queueMicrotask(() => w.cancel());
			if (err) reject(err);
			else resolve(events);
		};
		const w = store.watch({ key: ALL, rangeEnd: ALL, startRevision: from }, (m) => {
			if (done) return;
			if (m.type === 'events') {
				for (const e of m.events) if (e.kv.modRevision <= to) events.push(e);
				if (m.revision >= to) finish();
			} else if (m.type === 'progress') {
				if (m.revision >= to) finish();
			} else if (m.type === 'compacted') finish(new Error(`compacted while reading history (at ${m.compactRevision})`));
			else finish(new Error(`watch ended: ${m.reason}`));
		});
		if (done) return;
		timer = setTimeout(() => finish(new Error('the store did not catch up in time')), CATCH_UP_MS);
		timer.unref?.();
		if (from > to) finish();
		else w.requestProgress();
	});
}

/** Derived times, per store: computed once for the revisions before the recorder started. */
const derivedCache = new WeakMap<Backend, { key: string; points: Array<[number, number]> }>();

/**
 * Room time of revisions: recorded where the recorder saw them, inferred from the written values
 * before that (each revision: the newest timestamp in what it wrote; versions older than the
 * compaction revision count for the compaction revision).
 */
function timesOf(store: Backend, engine: Uint8Array, compactRevision: number, recorded: RevisionTimes | undefined): Array<[number, number]> {
	const firstRecorded = recorded?.points()[0]?.[0] ?? Infinity;
	const key = `${compactRevision}/${firstRecorded}`;
	let derived = derivedCache.get(store);
	if (!derived || derived.key !== key || firstRecorded === Infinity) {
		const newest = new Map<number, number>();
		forEachVersion(engine, (main, version, value) => {
			if (version === 0 || main >= firstRecorded) return;
			const t = newestTimestamp(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1'));
			if (t === undefined) return;
			const rev = Math.max(main, compactRevision);
			if (!(t <= (newest.get(rev) ?? -Infinity))) newest.set(rev, t);
		});
		const times = new RevisionTimes();
		for (const rev of [...newest.keys()].sort((a, b) => a - b)) times.add(rev, newest.get(rev)!);
		derived = { key, points: times.points() };
		derivedCache.set(store, derived);
	}
	const times = new RevisionTimes(derived.points);
	for (const [rev, t] of recorded?.points() ?? []) times.add(rev, t);
	return times.points();
}

/** The retained history through the `Backend` alone (a real etcd): keys at the compaction revision + events since. */
async function historySnapshot(store: Backend): Promise<Uint8Array> {
	const status = await store.status();
	const compactRevision = status.compactRevision;
	const revision = (await store.range({ key: ALL, rangeEnd: ALL, countOnly: true })).header.revision;
	const base = compactRevision > 0 ? (await store.range({ key: ALL, rangeEnd: ALL, revision: compactRevision })).kvs : [];
	const events = await eventsBetween(store, compactRevision + 1, revision);
	return engineSnapshot({ revision, compactRevision, base, events });
}

async function build(store: Backend, recorded: RevisionTimes | undefined): Promise<SnapshotBody> {
	for (let attempt = 0; ; attempt++) {
		try {
			// The embedded store's own engine snapshot is exactly the retained history, made at memory
			// speed (reading it back through a watch costs far more). A range first waits for writes in
			// flight to be durable: the snapshot holds no write that could be lost.
			const own = store instanceof EmbeddedStore ? store : undefined;
			if (own) await store.range({ key: ALL, rangeEnd: ALL, countOnly: true });
			const engine = own ? own.engineSnapshot() : await historySnapshot(store);
			const head = engineSnapshotHeader(engine);
			const revision = head.revision;
			const compactRevision = Math.max(0, head.compactMain);
			const body = encodeReplicaSnapshot({ revision, compactRevision, times: timesOf(store, engine, compactRevision, recorded), engine });
			let gz: Uint8Array | undefined;
			return { revision, compactRevision, body, gzipped: () => (gz ??= gzipSync(body, { level: 1 })) };
		} catch (e) {
			// A compaction between reading the status and reading the history: read again.
			if (attempt < 2 && /compacted/.test((e as Error).message)) continue;
			throw e;
		}
	}
}

const building = new WeakMap<Backend, Promise<SnapshotBody>>();
const last = new WeakMap<Backend, SnapshotBody>();

/** The replica snapshot of `store` now (shared with concurrent callers, reused while unchanged). */
export async function replicaSnapshot(store: Backend, recorded?: RevisionTimes): Promise<SnapshotBody> {
	const inflight = building.get(store);
	if (inflight) return inflight;
	const p = (async () => {
		const prev = last.get(store);
		if (prev) {
			const status = await store.status();
			if (status.revision === prev.revision && status.compactRevision === prev.compactRevision) return prev;
		}
		const made = await build(store, recorded);
		last.set(store, made);
		return made;
	})().finally(() => building.delete(store));
	building.set(store, p);
	return p;
}
