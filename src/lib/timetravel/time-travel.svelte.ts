/**
 * The room page's time travel as reactive state: the replica (loaded on first use), the retained
 * window of revisions, the revision shown (undefined = live) and the `KubeLive` over the replica
 * that the views get while the room is scrubbed. The scrubber bar drives it; the Store view reads
 * the replica and its watch feed.
 *
 * @module
 */
import { ReplicaConnection } from './connection';
import { ReplicaKubeClient, ReplicaKubeLive } from './replica-client';
import type { Replica, RevisionBatch } from './replica';
import { ObjectDecoder } from './decode';
import type { StreamMessage } from './wire';
import { fromUtf8 } from '../store/bytes';
import type { WasmEngine } from '../store/wasm-engine';

/** One revision in the watch feed. */
export interface FeedEntry {
	revision: number;
	time?: number;
	events: Array<{ type: 'PUT' | 'DELETE'; key: string }>;
}

const FEED_MAX = 200;
/** Fewest ms between two reactive updates caused by the stream. */
const UPDATE_MS = 250;

export interface TimeTravelOptions {
	roomId: string;
	token: string;
	createEngine: () => Promise<WasmEngine>;
	origin?: string;
}

export class TimeTravel {
	status = $state<'off' | 'loading' | 'ready' | 'error'>('off');
	error = $state<string | undefined>(undefined);
	/** Oldest and newest revision the replica holds. */
	first = $state(0);
	last = $state(0);
	/** The revision the views show; undefined = live. */
	revision = $state<number | undefined>(undefined);
	/** The views' kube while scrubbed. */
	kube = $state.raw<ReplicaKubeLive | undefined>(undefined);
	/** Changes whenever the replica did (throttled): read it to follow the replica in `$derived`. */
	version = $state(0);
	/** The latest revisions as they arrived, newest first. */
	feed = $state.raw<FeedEntry[]>([]);

	readonly decoder = new ObjectDecoder();
	private connection: ReplicaConnection | undefined;
	private started: Promise<Replica> | undefined;
	private pending = false;

	constructor(private readonly o: TimeTravelOptions) {}

	get replica(): Replica | undefined {
		return this.connection?.replica;
	}

	/** Loads the replica (once); resolves when it can be read. */
	start(): Promise<Replica> {
		if (this.started) return this.started;
		this.status = 'loading';
		this.connection = new ReplicaConnection({
			roomId: this.o.roomId,
			token: this.o.token,
			origin: this.o.origin,
			createEngine: this.o.createEngine,
			onMessage: (m) => this.onMessage(m),
			onError: (msg) => (this.error = msg),
			onLoad: () => this.refresh()
		});
		this.started = this.connection.start().then(
			(r) => {
				this.status = 'ready';
				this.error = undefined;
				this.refresh();
				return r;
			},
			(e: Error) => {
				this.status = 'error';
				this.error = e.message;
				this.started = undefined;
				throw e;
			}
		);
		return this.started;
	}

	/** Shows the room at `rev` (clamped to the retained window). */
	async scrub(rev: number): Promise<void> {
		const replica = await this.start();
		const at = Math.min(replica.revision, Math.max(replica.firstRevision, Math.round(rev)));
		if (this.kube) this.kube.setRevision(at);
		else this.kube = new ReplicaKubeLive(new ReplicaKubeClient(replica, at, this.decoder));
		this.revision = at;
	}

	/** Back to the live cluster. */
	live(): void {
		this.revision = undefined;
		this.kube?.destroy();
		this.kube = undefined;
	}

	timeAt(rev: number): number | undefined {
		void this.version;
		return this.replica?.times.timeAt(rev);
	}

	revisionAt(ms: number): number | undefined {
		const r = this.replica;
		return r ? r.times.revisionAt(ms, r.revision) : undefined;
	}

	private onMessage(m: StreamMessage): void {
		if (m.type === 'revision') this.feed = [feedEntry(m), ...this.feed].slice(0, FEED_MAX);
		this.scheduleRefresh();
	}

	private scheduleRefresh(): void {
		if (this.pending) return;
		this.pending = true;
		setTimeout(() => {
			this.pending = false;
			this.refresh();
		}, UPDATE_MS);
	}

	private refresh(): void {
		const r = this.replica;
		if (!r) return;
		this.first = r.firstRevision;
		this.last = r.revision;
		// A compaction past the shown revision: show the oldest one left.
		if (this.revision !== undefined && this.revision < r.firstRevision) void this.scrub(r.firstRevision);
		this.version++;
	}

	destroy(): void {
		this.connection?.stop();
		this.kube?.destroy();
	}
}

function feedEntry(b: RevisionBatch): FeedEntry {
	return { revision: b.revision, time: b.time, events: b.events.map((e) => ({ type: e.type, key: fromUtf8(e.key) })) };
}
