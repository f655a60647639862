/**
 * The replica's live stream (`GET /api/rooms/<id>/store/watch?revision=R`): every revision after
 * R as a JSON line (src/lib/timetravel/wire.ts), fed by a store watch on every key, like the kube
 * watch streams (chunked, flushed per revision). A progress line every few seconds carries the
 * room time and any new compaction revision; a start revision already compacted gets an error
 * line (410) and the end, so the client reloads the snapshot.
 *
 * Bounded like kube watches: streams per room, buffered bytes per stream (a reader that does not
 * keep up is cut off and reconnects from its revision), and a maximum duration.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Event } from '../../src/lib/store/types';
import { encodeMessage, type StreamMessage } from '../../src/lib/timetravel/wire';
import { StatusError } from '../http/respond';
import type { Room } from '../rooms/room';
import type { RoomHistory } from './recorder';

const ALL = new Uint8Array([0]);

export const STREAM_LIMITS = {
	perRoom: 100,
	maxBufferBytes: 32 << 20,
	maxDurationMs: 30 * 60_000,
	progressMs: 5_000
};

const open = new WeakMap<Room, number>();

export function openStreams(room: Room): number {
	return open.get(room) ?? 0;
}

export async function streamRevisions(req: IncomingMessage, res: ServerResponse, room: Room, history: RoomHistory, from: number): Promise<void> {
	if (openStreams(room) >= STREAM_LIMITS.perRoom)
		throw new StatusError(429, 'TooManyRequests', `too many time-travel streams in room "${room.id}" (${STREAM_LIMITS.perRoom}); close some and retry`);
	const status = await room.store.status();
	if (from > status.revision) throw new StatusError(400, 'BadRequest', `revision ${from} is in the future (the room is at ${status.revision})`);
	open.set(room, openStreams(room) + 1);
	const release = room.hold();
	res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private', 'transfer-encoding': 'chunked' });
	res.flushHeaders();

	let closed = false;
	let compactRevision = status.compactRevision;
	let progressTimer: ReturnType<typeof setTimeout> | undefined;
	const send = (m: StreamMessage) => {
		if (closed) return;
		res.write(encodeMessage(m));
		if (res.writableLength > STREAM_LIMITS.maxBufferBytes) finish();
	};
	const finish = () => {
		if (closed) return;
		closed = true;
		clearTimeout(progressTimer);
		clearTimeout(endTimer);
		queueMicrotask(() => watch.cancel());
		open.set(room, Math.max(0, openStreams(room) - 1));
		release();
		res.end();
	};
	const endTimer = setTimeout(() => finish(), STREAM_LIMITS.maxDurationMs);
	req.on('close', finish);
	res.on('close', finish);

	const onEvents = (revision: number, events: Event[]) =>
		send({
			type: 'revision',
			revision,
			time: history.timeOf(revision) ?? history.now(),
			events: events.map((e) => (e.type === 'DELETE' ? { type: 'DELETE', key: e.kv.key } : { type: 'PUT', key: e.kv.key, value: e.kv.value, lease: e.kv.lease }))
		});
	const watch = room.store.watch({ key: ALL, rangeEnd: ALL, startRevision: from + 1 }, (m) => {
		if (m.type === 'events') onEvents(m.revision, m.events);
		else if (m.type === 'progress') send({ type: 'progress', revision: m.revision, time: history.now() });
		else if (m.type === 'compacted') {
			send({ type: 'error', code: 410, message: `revision ${from} has been compacted (the store keeps revisions from ${m.compactRevision}): reload the snapshot` });
			finish();
		} else finish();
	});
	if (closed) return;

	const tick = () => {
		if (closed) return;
		void room.store
			.status()
			.then((s) => {
				if (s.compactRevision > compactRevision) {
					compactRevision = s.compactRevision;
					send({ type: 'compacted', revision: compactRevision });
				}
				watch.requestProgress();
			})
			.catch(finish);
		progressTimer = setTimeout(tick, STREAM_LIMITS.progressMs);
	};
	progressTimer = setTimeout(tick, STREAM_LIMITS.progressMs);
}
