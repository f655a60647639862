/**
 * The client side of a room's collaboration socket, for the browser and for Node (tests, bench):
 * a Y.Doc kept in sync by y-websocket's provider, plus converge's acks (which edits are durable on
 * the server), room events (diagnostics, notices) and the close codes that end or reset a session.
 *
 * A refused update (close 4413) means the local doc holds an edit the server will never take; the
 * client then starts over from the server's state with a fresh doc (`reset` event) instead of
 * offering the same edit forever.
 *
 * @module
 */
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { ObservableV2 } from 'lib0/observable';
import { WebsocketProvider } from 'y-websocket';
import { CLOSE, COLLAB_PATH, MESSAGE_ACK, MESSAGE_BARRIER, MESSAGE_BARRIER_ACK, MESSAGE_ROOM_EVENT, type AnalysisEvent, type ClockEvent, type Notice, type RoomEvent, type SyncEvent } from './protocol';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface SyncStatus {
	connection: ConnectionState;
	/** The first sync with the server has completed (since the last connect). */
	synced: boolean;
	/** Local edits the server has not yet made durable. */
	pending: boolean;
	/** Why the session ended, when `connection` is `closed`. */
	closedReason?: string;
}

export interface RoomClientOptions {
	/** Origin of the server, e.g. `http://127.0.0.1:3000` (ws/wss is derived). */
	origin: string;
	roomId: string;
	token: string;
	/** Node has no global WebSocket: pass `ws`'s. */
	WebSocketPolyfill?: unknown;
	/** Delay before reconnecting after a rate-limit close. */
	rateLimitPauseMs?: number;
}

type Events = {
	status: (s: SyncStatus) => void;
	analysis: (e: AnalysisEvent) => void;
	notice: (n: Notice) => void;
	/** The room clock changed (sent on connect, on every change, each second at max speed). */
	clock: (c: ClockEvent) => void;
	/** The applier's sync state (on connect and after each sync or live change). */
	sync: (e: SyncEvent) => void;
	/** The doc was replaced (after a refused edit); rebind editors to `client.doc`. */
	reset: (doc: Y.Doc) => void;
	/** Every room event, of any type (the typed events above are emitted too). */
	event: (e: RoomEvent) => void;
};

const FINAL_CLOSES: Record<number, string> = {
	[CLOSE.unauthorized]: 'the link is not valid for this room',
	[CLOSE.forbidden]: 'access to this room is not allowed from here',
	[CLOSE.notFound]: 'the room does not exist (it may have been deleted)'
};

export class RoomClient extends ObservableV2<Events> {
	doc!: Y.Doc;
	provider!: WebsocketProvider;
	analysis: AnalysisEvent | undefined;
	private acked = new Map<number, number>();
	/** Local edits made so far, and how many of them the server has made durable. */
	private localSeq = 0;
	private durableSeq = 0;
	private state: SyncStatus = { connection: 'connecting', synced: false, pending: false };
	private everConnected = false;
	private resumeTimer: ReturnType<typeof setTimeout> | undefined;

	constructor(private readonly opts: RoomClientOptions) {
		super();
		this.start(new Y.Doc());
	}

	get status(): SyncStatus {
		return this.state;
	}

	get awareness() {
		return this.provider.awareness;
	}

	private start(doc: Y.Doc): void {
		this.doc = doc;
		this.acked = new Map();
		this.localSeq = 0;
		this.durableSeq = 0;
		const url = this.opts.origin.replace(/^http/, 'ws') + COLLAB_PATH.replace(/\/$/, '');
		const provider = new WebsocketProvider(url, this.opts.roomId, doc, {
			params: { token: this.opts.token },
			// Same-process providers would otherwise sync over BroadcastChannel, hiding the server.
			disableBc: true,
			WebSocketPolyfill: this.opts.WebSocketPolyfill as typeof WebSocket | undefined,
			shouldReconnect: (event) => !(event.code in FINAL_CLOSES) && event.code !== CLOSE.rejected && event.code !== CLOSE.rateLimited && event.code !== 1009
		});
		this.provider = provider;
		provider.messageHandlers[MESSAGE_ACK] = (_enc, dec) => {
			const sv = Y.decodeStateVector(decoding.readVarUint8Array(dec));
			for (const [client, clock] of sv) if ((this.acked.get(client) ?? 0) < clock) this.acked.set(client, clock);
			this.update({});
		};
		provider.messageHandlers[MESSAGE_BARRIER_ACK] = (_enc, dec) => {
			this.durableSeq = Math.max(this.durableSeq, decoding.readVarUint(dec));
			this.update({});
		};
		provider.messageHandlers[MESSAGE_ROOM_EVENT] = (_enc, dec) => {
			const event = JSON.parse(decoding.readVarString(dec)) as RoomEvent;
			if (event.type === 'analysis') {
				this.analysis = event;
				this.emit('analysis', [event]);
			} else if (event.type === 'notice') this.emit('notice', [event]);
			else if (event.type === 'clock') this.emit('clock', [event]);
			else if (event.type === 'sync') this.emit('sync', [event]);
			this.emit('event', [event]);
		};
		provider.on('status', ({ status }) => {
			if (status === 'connected') this.everConnected = true;
			const connection: ConnectionState = status === 'connected' ? 'connected' : this.everConnected ? 'reconnecting' : 'connecting';
			this.update({ connection, synced: status === 'connected' ? this.state.synced : false });
		});
		provider.on('sync', (synced) => {
			// After a reconnect our offline edits went out in sync step 2, just before this.
			if (synced && this.localSeq > this.durableSeq) this.sendBarrier();
			this.update({ synced });
		});
		provider.on('closed', (event) => this.onFinalClose(event.code, event.reason));
		// Registered after the provider's own handler, so the barrier follows the edit on the wire.
		doc.on('update', (_u, origin) => {
			if (origin === provider) return;
			this.localSeq++;
			this.sendBarrier();
			this.update({});
		});
	}

	private sendBarrier(): void {
		const ws = this.provider.ws;
		if (!this.provider.wsconnected || !ws || ws.readyState !== ws.OPEN) return;
		const enc = encoding.createEncoder();
		encoding.writeVarUint(enc, MESSAGE_BARRIER);
		encoding.writeVarUint(enc, this.localSeq);
		ws.send(encoding.toUint8Array(enc));
	}

	private onFinalClose(code: number, reason: string): void {
		// 1009: a message over the socket's own size limit; like a refusal, resending cannot help.
		if (code === CLOSE.rejected || code === 1009) {
			// Drop the refused edit: start over from the server's state.
			this.provider.destroy();
			this.doc.destroy();
			this.start(new Y.Doc());
			this.emit('reset', [this.doc]);
			return;
		}
		if (code === CLOSE.rateLimited) {
			this.update({ connection: 'reconnecting' });
			this.resumeTimer = setTimeout(() => this.provider.connect(), this.opts.rateLimitPauseMs ?? 2000);
			return;
		}
		this.update({ connection: 'closed', closedReason: FINAL_CLOSES[code] ?? (reason || `closed (${code})`) });
	}

	/** The highest clock of this client's own edits the server has made durable. */
	get ackedClock(): number {
		return this.acked.get(this.doc.clientID) ?? 0;
	}

	private update(patch: Partial<SyncStatus>): void {
		const pending = this.localSeq > this.durableSeq;
		const next = { ...this.state, ...patch, pending };
		if (next.connection !== 'closed') delete next.closedReason;
		const s = this.state;
		if (s.connection === next.connection && s.synced === next.synced && s.pending === next.pending && s.closedReason === next.closedReason) return;
		this.state = next;
		this.emit('status', [next]);
	}

	/** Resolves when `pred(status)` holds. */
	when(pred: (s: SyncStatus) => boolean): Promise<SyncStatus> {
		if (pred(this.state)) return Promise.resolve(this.state);
		return new Promise((resolve) => {
			const fn = (s: SyncStatus) => {
				if (!pred(s)) return;
				this.off('status', fn);
				resolve(s);
			};
			this.on('status', fn);
		});
	}

	override destroy(): void {
		clearTimeout(this.resumeTimer);
		this.provider.destroy();
		this.doc.destroy();
		super.destroy();
	}
}
