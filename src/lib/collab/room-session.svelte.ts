/**
 * Reactive state of one open room for the Svelte views: connection status, file tree, analysis,
 * people present, notices. Yjs objects stay outside Svelte's deep state; views get plain
 * snapshots, refreshed from Yjs and awareness events.
 *
 * @module
 */
import type * as Y from 'yjs';
import { RoomClient, type SyncStatus } from './client';
import { listEntries, treeOf, type TreeEntry } from './files';
import type { AnalysisEvent, Notice, ParticipantRole, Role, RoomEvent, SyncEvent } from './protocol';
import type { Identity } from './identity';
import type { ReceivedClock } from '../clock/display';

export interface Peer {
	clientId: number;
	name: string;
	color: string;
	/** Path of the file the peer has open. */
	file?: string;
	self: boolean;
	/** Where the peer is (view, file, scroll, selected object), for follow mode. */
	location?: Location;
	/** The peer's role and participant id as the server resolved them (absent for clients without a participant key). */
	role?: Role;
	participant?: string;
}

/**
 * Where a participant is, published in awareness so others can follow: the view, the file open
 * in the editor and its scroll position, and the object selected in a view
 * (`"<kind>/<key>"`, e.g. `node/worker-1`, `pod/default/web-1`).
 */
export interface Location {
	view?: string;
	path?: string;
	/** The first line shown in the editor (1-based; lines, not pixels, so windows of any size agree). */
	topLine?: number;
	object?: string;
}

/** What each client publishes in awareness besides y-codemirror's `cursor`. */
export interface PresenceState {
	user: Identity;
	file?: string;
	location?: Location;
}

/** The latest room event of each type. */
export type RoomEvents = { [K in RoomEvent['type']]?: Extract<RoomEvent, { type: K }> };

export class RoomSession {
	status = $state<SyncStatus>({ connection: 'connecting', synced: false, pending: false });
	entries = $state.raw<Array<TreeEntry & { id: string }>>([]);
	analysis = $state.raw<AnalysisEvent | undefined>(undefined);
	peers = $state.raw<Peer[]>([]);
	notices = $state.raw<Notice[]>([]);
	/** The room's simulated clock, as last received. */
	clock = $state.raw<ReceivedClock | undefined>(undefined);
	/** The applier's sync state, from `sync` room events (the Sync view also fetches it). */
	sync = $state.raw<SyncEvent | undefined>(undefined);
	/** Bumped when the doc is replaced, so editors rebind. */
	generation = $state(0);
	/**
	 * The latest room event of each type (`events.lesson`, `events.faults`, `events.locks`, …),
	 * so a view reads a new event type without changes here.
	 */
	events = $state.raw<RoomEvents>({});
	/** What this participant may do now (the server's word; changes when the facilitator changes it). */
	role = $state<Role>('viewer');
	/** The role of the link this page was opened with. */
	linkRole = $state<Role>('viewer');
	/** This browser's participant id (a hash of its key), once the server said it. */
	participant = $state<string | undefined>(undefined);
	/** Awareness client id of the peer this participant follows, or null. */
	following = $state<number | null>(null);
	readonly client: RoomClient;
	private openFile: string | undefined;
	private location: Location = {};

	constructor(
		readonly roomId: string,
		/** The token this page sends (the link's token with this browser's participant key). */
		readonly token: string,
		role: Role,
		private identity: Identity
	) {
		this.role = role;
		this.linkRole = role;
		this.client = new RoomClient({ origin: globalThis.location.origin, roomId, token });
		this.client.on('status', (s) => (this.status = s));
		this.client.on('analysis', (a) => (this.analysis = a));
		this.client.on('notice', (n) => this.notify(n));
		this.client.on('clock', (event) => (this.clock = { event, receivedAt: Date.now() }));
		this.client.on('sync', (e) => (this.sync = e));
		this.client.on('event', (e) => this.onEvent(e));
		this.client.on('reset', (doc) => {
			this.bind(doc);
			this.generation++;
		});
		this.bind(this.client.doc);
	}

	get doc(): Y.Doc {
		return this.client.doc;
	}

	private bind(doc: Y.Doc): void {
		const tree = treeOf(doc);
		const refresh = () => (this.entries = listEntries(doc));
		tree.observe(refresh);
		refresh();
		// A reset brings a new provider and awareness: publish who we are there too.
		const awareness = this.client.awareness;
		awareness.on('change', () => this.refreshPeers());
		awareness.setLocalStateField('user', this.identity);
		awareness.setLocalStateField('file', this.openFile);
		awareness.setLocalStateField('location', this.location);
	}

	private onEvent(e: RoomEvent): void {
		this.events = { ...this.events, [e.type]: e };
		if (e.type === 'role') {
			this.role = e.role;
			this.linkRole = e.base;
			this.participant = e.participant;
		} else if (e.type === 'roles') this.refreshPeers();
		else if (e.type === 'follow') {
			// Everyone but the leader follows; anyone may stop following afterwards.
			this.following = e.leader !== null && e.leader !== this.client.awareness.clientID ? e.leader : null;
		}
	}

	/** Paths only the facilitator may change. */
	get locked(): string[] {
		return this.events.locks?.paths ?? [];
	}

	/** Whether `path` is locked (itself or a folder above it). */
	isLocked(path: string): boolean {
		return this.locked.some((p) => path === p || path.startsWith(p + '/'));
	}

	/** Whether this participant may change `path` now. */
	canEdit(path: string | undefined): boolean {
		if (this.role === 'viewer') return false;
		return this.role === 'facilitator' || !path || !this.isLocked(path);
	}

	/** Publishes where this participant is (merged with what was published before). */
	setLocation(patch: Partial<Location>): void {
		const next = { ...this.location, ...patch };
		if ((Object.keys(next) as Array<keyof Location>).every((k) => next[k] === this.location[k])) return;
		this.location = next;
		this.client.awareness.setLocalStateField('location', next);
	}

	/** Follows the peer with that awareness client id (null: stop following). */
	follow(clientId: number | null): void {
		this.following = clientId;
	}

	/** The location of the peer being followed, while following. */
	get followed(): Location | undefined {
		if (this.following === null) return undefined;
		return this.peers.find((p) => p.clientId === this.following)?.location;
	}

	setIdentity(user: Identity): void {
		this.identity = user;
		this.client.awareness.setLocalStateField('user', user);
	}

	setOpenFile(path: string | undefined): void {
		this.openFile = path;
		this.client.awareness.setLocalStateField('file', path);
	}

	private refreshPeers(): void {
		const self = this.client.awareness.clientID;
		const roles = new Map<number, ParticipantRole>();
		for (const p of this.events.roles?.participants ?? []) for (const id of p.clientIds) roles.set(id, p);
		const out: Peer[] = [];
		this.client.awareness.getStates().forEach((state, clientId) => {
			const s = state as Partial<PresenceState>;
			if (!s.user) return;
			const r = roles.get(clientId);
			out.push({ clientId, name: s.user.name, color: s.user.color, file: s.file, self: clientId === self, location: s.location, ...(r ? { role: r.role, participant: r.participant } : {}) });
		});
		this.peers = out.sort((a, b) => (a.self === b.self ? a.name.localeCompare(b.name) : a.self ? -1 : 1));
	}

	notify(n: Notice): void {
		this.notices = [...this.notices.slice(-4), n];
	}

	dismiss(n: Notice): void {
		this.notices = this.notices.filter((x) => x !== n);
	}

	destroy(): void {
		this.client.destroy();
	}
}
