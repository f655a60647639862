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
import type { AnalysisEvent, Notice, Role, SyncEvent } from './protocol';
import type { Identity } from './identity';
import type { ReceivedClock } from '../clock/display';

export interface Peer {
	clientId: number;
	name: string;
	color: string;
	/** Path of the file the peer has open. */
	file?: string;
	self: boolean;
}

/** What each client publishes in awareness besides y-codemirror's `cursor`. */
export interface PresenceState {
	user: Identity;
	file?: string;
}

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
	readonly client: RoomClient;
	private openFile: string | undefined;

	constructor(
		readonly roomId: string,
		readonly token: string,
		readonly role: Role,
		private identity: Identity
	) {
		this.client = new RoomClient({ origin: location.origin, roomId, token });
		this.client.on('status', (s) => (this.status = s));
		this.client.on('analysis', (a) => (this.analysis = a));
		this.client.on('notice', (n) => this.notify(n));
		this.client.on('clock', (event) => (this.clock = { event, receivedAt: Date.now() }));
		this.client.on('sync', (e) => (this.sync = e));
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
		const out: Peer[] = [];
		this.client.awareness.getStates().forEach((state, clientId) => {
			const s = state as Partial<PresenceState>;
			if (!s.user) return;
			out.push({ clientId, name: s.user.name, color: s.user.color, file: s.file, self: clientId === self });
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
