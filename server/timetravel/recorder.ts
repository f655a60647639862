/**
 * Per loaded room: the room time of each revision as it is released (a watch on every key,
 * stamped with the room clock), and the retention keeper that compacts the store when its history
 * exceeds the room's retention (room meta `retention`, see src/lib/timetravel/retention.ts).
 *
 * Started by `roomHistory(room)` on the room's first time-travel request (and by whoever loads
 * rooms, if it calls it at load); it ends with the room's store (its watch is cancelled on close).
 *
 * @module
 */
import type { Watch } from '../../src/lib/store/backend';
import { compactionTarget, effectiveRetention } from '../../src/lib/timetravel/retention';
import { RevisionTimes } from '../../src/lib/timetravel/times';
import type { Room } from '../rooms/room';

const ALL = new Uint8Array([0]);
/** How often the keeper checks the retention (wall ms). */
export const RETENTION_CHECK_MS = 5_000;

export class RoomHistory {
	readonly times = new RevisionTimes();
	private watch: Watch | undefined;
	private timer: ReturnType<typeof setInterval> | undefined;
	private stopped = false;
	private checking = false;

	constructor(private readonly room: Room) {}

	start(): void {
		this.watch = this.room.store.watch({ key: ALL, rangeEnd: ALL }, (m) => {
			if (m.type === 'events') this.times.add(m.revision, this.now());
			else if (m.type === 'canceled' || m.type === 'compacted') this.stop();
		});
		this.timer = setInterval(() => void this.enforce(), RETENTION_CHECK_MS);
		this.timer.unref?.();
	}

	/** The room's simulated time now. */
	now(): number {
		return this.room.time.clock.now();
	}

	/** The room time of `rev` if this recorder saw it. */
	timeOf(rev: number): number | undefined {
		return this.times.timeAt(rev);
	}

	/** Compacts the store if its history exceeds the room's retention; returns the revision compacted to. */
	async enforce(): Promise<number | undefined> {
		if (this.stopped || this.checking) return undefined;
		this.checking = true;
		try {
			const status = await this.room.store.status();
			const target = compactionTarget(
				effectiveRetention(this.room.meta.retention),
				{ revision: status.revision, compactRevision: status.compactRevision, now: this.now() },
				(ms) => this.times.revisionAt(ms, status.revision)
			);
			if (target === undefined) return undefined;
			await this.room.store.compact({ revision: target });
			this.times.trimBefore(target);
			return target;
		} catch {
			return undefined; // a closed store or a compaction that raced another: the next tick retries
		} finally {
			this.checking = false;
		}
	}

	stop(): void {
		if (this.stopped) return;
		this.stopped = true;
		clearInterval(this.timer);
		const w = this.watch;
		if (w) queueMicrotask(() => w.cancel());
		if (histories.get(this.room) === this) histories.delete(this.room);
	}
}

const histories = new WeakMap<Room, RoomHistory>();

/** The room's history recorder and retention keeper (started on first use). */
export function roomHistory(room: Room): RoomHistory {
	let h = histories.get(room);
	if (!h) {
		h = new RoomHistory(room);
		histories.set(room, h);
		h.start();
	}
	return h;
}
