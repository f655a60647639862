/**
 * One client's collaboration socket: the y-protocols sync and awareness exchange, plus converge's
 * acks and room events. Viewers get everything but their document updates are dropped; an editor
 * update that breaks a limit or touches a locked file is refused before it is applied, and the
 * client is told to resync. The connection's role can change while it is open (the facilitator
 * makes a participant an editor or a viewer): every check reads the current one.
 *
 * @module
 */
import type { WebSocket } from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import {
	CLOSE,
	MESSAGE_ACK,
	MESSAGE_AWARENESS,
	MESSAGE_BARRIER,
	MESSAGE_BARRIER_ACK,
	MESSAGE_QUERY_AWARENESS,
	MESSAGE_ROOM_EVENT,
	MESSAGE_SYNC,
	type Role,
	type RoomEvent
} from '../../src/lib/collab/protocol';
import { can } from '../../src/lib/rooms/permissions';
import { TokenBucket } from './rate-limit';
import { checkUpdate } from './update-limits';
import type { Limits } from '../config';

/** What a connection needs from its room. */
export interface RoomLink {
	doc: Y.Doc;
	awareness: awarenessProtocol.Awareness;
	limits: Limits;
	/** Resolves once everything applied so far is durable. */
	flush(): Promise<void>;
	/** The room's latest events every new client should get (e.g. the last analysis). */
	initialEvents(): RoomEvent[];
	/** The role of a participant now (their link's, or the one the facilitator gave them). */
	roleFor(base: Role, participant: string | undefined): Role;
	/** The path of the file holding `text` when it is locked (only the facilitator may change it). */
	lockedPath(text: Y.Text): string | undefined;
	detach(conn: Connection): void;
}

const PING_INTERVAL_MS = 30_000;

export class Connection {
	/** Awareness client ids this connection introduced (removed when it closes). */
	readonly clientIds = new Set<number>();
	private readonly bucket: TokenBucket;
	private alive = true;
	private pinger: ReturnType<typeof setInterval>;
	private closed = false;
	/** What this connection may do now. */
	role: Role;

	constructor(
		readonly ws: WebSocket,
		/** The role of the link's token. */
		readonly base: Role,
		/** The browser's participant id (a hash of the key it sent with its token), if any. */
		readonly participant: string | undefined,
		private readonly room: RoomLink
	) {
		this.role = room.roleFor(base, participant);
		this.bucket = new TokenBucket(room.limits.messagesPerSecond, room.limits.messageBurst);
		ws.binaryType = 'arraybuffer';
		ws.on('message', (data: ArrayBuffer, isBinary) => {
			if (!isBinary) return this.close(1003, 'binary messages only');
			this.onMessage(new Uint8Array(data));
		});
		ws.on('close', () => this.cleanup());
		ws.on('error', () => this.cleanup());
		ws.on('pong', () => (this.alive = true));
		this.pinger = setInterval(() => {
			if (!this.alive) return this.ws.terminate();
			this.alive = false;
			this.ws.ping();
		}, PING_INTERVAL_MS);

		// Our sync step 1 asks the client for what the server lacks; then the current awareness.
		const enc = encoding.createEncoder();
		encoding.writeVarUint(enc, MESSAGE_SYNC);
		syncProtocol.writeSyncStep1(enc, room.doc);
		this.send(encoding.toUint8Array(enc));
		const states = room.awareness.getStates();
		if (states.size > 0) this.sendAwareness([...states.keys()]);
		this.sendRole();
		for (const ev of room.initialEvents()) this.sendEvent(ev);
	}

	/** Re-reads the role; tells the client when it changed. Returns whether it did. */
	refreshRole(): boolean {
		const role = this.room.roleFor(this.base, this.participant);
		if (role === this.role) return false;
		this.role = role;
		this.sendRole();
		return true;
	}

	private sendRole(): void {
		this.sendEvent({ type: 'role', role: this.role, base: this.base, ...(this.participant ? { participant: this.participant } : {}) });
	}

	send(message: Uint8Array): void {
		if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
		if (this.ws.bufferedAmount > this.room.limits.maxBufferedBytes) {
			// A client this far behind resyncs faster than it catches up.
			return this.close(1013, 'client too slow; reconnecting');
		}
		this.ws.send(message, { binary: true });
	}

	sendAwareness(clients: number[]): void {
		const enc = encoding.createEncoder();
		encoding.writeVarUint(enc, MESSAGE_AWARENESS);
		encoding.writeVarUint8Array(enc, awarenessProtocol.encodeAwarenessUpdate(this.room.awareness, clients));
		this.send(encoding.toUint8Array(enc));
	}

	sendEvent(event: RoomEvent): void {
		const enc = encoding.createEncoder();
		encoding.writeVarUint(enc, MESSAGE_ROOM_EVENT);
		encoding.writeVarString(enc, JSON.stringify(event));
		this.send(encoding.toUint8Array(enc));
	}

	close(code: number, reason: string): void {
		if (this.closed) return;
		this.ws.close(code, reason);
		this.cleanup();
	}

	private onMessage(message: Uint8Array): void {
		if (message.length > this.room.limits.maxMessageBytes) {
			this.sendEvent({ type: 'notice', level: 'error', code: 'message-too-large', message: `a message of ${message.length} bytes exceeds the limit of ${this.room.limits.maxMessageBytes}` });
			return this.close(CLOSE.rejected, 'message too large');
		}
		if (!this.bucket.take()) {
			this.sendEvent({ type: 'notice', level: 'warning', code: 'rate-limited', message: `more than ${this.room.limits.messagesPerSecond} messages per second; reconnecting shortly, your edits are kept` });
			return this.close(CLOSE.rateLimited, 'rate limited');
		}
		try {
			const dec = decoding.createDecoder(message);
			const type = decoding.readVarUint(dec);
			switch (type) {
				case MESSAGE_SYNC:
					return this.onSync(dec);
				case MESSAGE_AWARENESS:
					return this.onAwareness(decoding.readVarUint8Array(dec));
				case MESSAGE_QUERY_AWARENESS:
					return this.sendAwareness([...this.room.awareness.getStates().keys()]);
				case MESSAGE_BARRIER:
					return this.barrier(decoding.readVarUint(dec));
				default:
					return; // unknown types are ignored, like y-websocket does
			}
		} catch (e) {
			this.close(1007, `malformed message: ${(e as Error).message}`.slice(0, 120));
		}
	}

	private onSync(dec: decoding.Decoder): void {
		const syncType = decoding.readVarUint(dec);
		if (syncType === syncProtocol.messageYjsSyncStep1) {
			const enc = encoding.createEncoder();
			encoding.writeVarUint(enc, MESSAGE_SYNC);
			syncProtocol.writeSyncStep2(enc, this.room.doc, decoding.readVarUint8Array(dec));
			return this.send(encoding.toUint8Array(enc));
		}
		if (syncType !== syncProtocol.messageYjsSyncStep2 && syncType !== syncProtocol.messageYjsUpdate) return;
		const update = decoding.readVarUint8Array(dec);
		if (!can(this.role, 'edit-files')) return this.dropReadOnly(update); // viewers: read-only, enforced here
		const locked = this.role === 'facilitator' ? undefined : (t: Y.Text) => this.room.lockedPath(t);
		const refusal = checkUpdate(this.room.doc, update, this.room.limits, locked);
		// Missing dependencies are not the client's fault: it reconnects and sends a complete diff.
		if (refusal?.code === 'incomplete-update') return this.close(1013, refusal.code);
		if (refusal) {
			this.sendEvent({ type: 'notice', level: 'error', code: refusal.code, message: refusal.message });
			return this.close(CLOSE.rejected, refusal.code);
		}
		Y.applyUpdate(this.room.doc, update, this);
		this.ack();
	}

	/**
	 * A viewer's update is dropped. When it holds edits the server lacks (typed just before a
	 * demotion arrived), the client is told and reset, or its copy would diverge for good.
	 */
	private dropReadOnly(update: Uint8Array): void {
		// The end clock of each client's structs in the update, against what the server has.
		const { to } = Y.parseUpdateMeta(update);
		for (const [client, clock] of to) {
			if (clock <= Y.getState(this.room.doc.store, client)) continue;
			this.sendEvent({ type: 'notice', level: 'error', code: 'read-only', message: 'you can only view this room now; your last edit was not saved' });
			return this.close(CLOSE.rejected, 'read-only');
		}
	}

	/** Once what was applied is durable, tell the client how far the server's state reaches. */
	private ack(): void {
		const sv = Y.encodeStateVector(this.room.doc);
		this.whenDurable((enc) => {
			encoding.writeVarUint(enc, MESSAGE_ACK);
			encoding.writeVarUint8Array(enc, sv);
		});
	}

	/** Messages are handled in order, so once the log is flushed, all before the barrier is durable. */
	private barrier(seq: number): void {
		// A viewer's edits are dropped, never made durable: its barriers are never passed.
		if (!can(this.role, 'edit-files')) return;
		this.whenDurable((enc) => {
			encoding.writeVarUint(enc, MESSAGE_BARRIER_ACK);
			encoding.writeVarUint(enc, seq);
		});
	}

	/** Sends the message `write` builds once everything applied so far is on disk; a storage error closes. */
	private whenDurable(write: (enc: encoding.Encoder) => void): void {
		this.room.flush().then(
			() => {
				const enc = encoding.createEncoder();
				write(enc);
				this.send(encoding.toUint8Array(enc));
			},
			(e) => {
				console.error('persisting an update failed; not acknowledging', e);
				this.close(1011, 'storage error');
			}
		);
	}

	private onAwareness(update: Uint8Array): void {
		awarenessProtocol.applyAwarenessUpdate(this.room.awareness, update, this);
	}

	private cleanup(): void {
		if (this.closed) return;
		this.closed = true;
		clearInterval(this.pinger);
		if (this.clientIds.size > 0) awarenessProtocol.removeAwarenessStates(this.room.awareness, [...this.clientIds], null);
		this.room.detach(this);
	}
}
