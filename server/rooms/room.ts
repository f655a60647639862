/**
 * A loaded room: its durable Yjs document, awareness, connected clients, and the analysis of its
 * files (diagnostics + declared objects) published to everyone shortly after each edit.
 *
 * @module
 */
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { Awareness } from 'y-protocols/awareness';
import { join } from 'node:path';
import { MESSAGE_SYNC, type AnalysisEvent, type Diagnostic, type FollowEvent, type LocksEvent, type ParticipantRole, type Role, type RoomEvent, type RolesEvent } from '../../src/lib/collab/protocol';
import { fileTexts, pathOfText, TEXTS, TREE } from '../../src/lib/collab/files';
import { RoomAnalyzer } from '../../src/lib/kube/analyze';
import type { ParsedObject } from '../../src/lib/kube/manifest';
import type { ApplierHandle } from '../applier/types';
import { DocPersistence } from '../collab/doc-persistence';
import { Connection, type RoomLink } from '../collab/connection';
import { createEntry, SERVER_ORIGIN } from '../collab/file-ops';
import type { Config, Limits } from '../config';
import { effectiveRole, isLocked, parseToken, tokenRole, type RoomMeta } from './meta';
import type { Backend } from '../../src/lib/store/backend';
import type { BackendFactory } from '../store/backends';
import type { WebSocket } from 'ws';
import { openRoomTime, type RoomTime } from '../clock/room-time';
import { writeMeta } from './meta';

export class Room implements RoomLink {
	readonly awareness: Awareness;
	readonly conns = new Set<Connection>();
	readonly limits: Limits;
	/** Wall-clock time of the last use (connection, API call); idle rooms unload. */
	lastUsed = Date.now();
	/** Long-lived users other than collab sockets (watch streams, gRPC streams) keep the room loaded. */
	holds = 0;
	private analyzer = new RoomAnalyzer();
	private analysis: AnalysisEvent | undefined;
	private analysisTimer: ReturnType<typeof setTimeout> | undefined;
	private analysisDeadline = 0;
	private listeners = new Set<(e: AnalysisEvent, objects: ParsedObject[]) => void>();
	private objects: ParsedObject[] = [];
	/** Diagnostics of failed applies (the applier's), merged into every published analysis. */
	private applyDiagnostics: Record<string, Diagnostic[]> = {};
	/** Latest event of other publishers (the applier's `sync`), sent to clients that connect. */
	private latest = new Map<string, RoomEvent>();
	/** Per file: the display name of who last edited it (from the editing connection's awareness). */
	readonly lastEditors = new Map<string, string>();
	/** The applier, while the room's control plane runs one. */
	applier: ApplierHandle | undefined;
	/** The room's simulated clock and seeded RNG (saved in its meta). */
	readonly time: RoomTime;
	/** The room's control plane (controllers), started by the registry; stopped on unload. */
	controlPlane: { stop(): Promise<void> } | undefined;

	private constructor(
		private readonly dir: string,
		readonly meta: RoomMeta,
		private readonly persistence: DocPersistence,
		/** The room's cluster state (etcd v3 semantics). */
		readonly store: Backend,
		private readonly config: Config
	) {
		this.limits = config.limits;
		this.awareness = new Awareness(this.doc);
		// The server is not a participant: no local awareness state of its own.
		this.awareness.setLocalState(null);
		this.doc.on('update', this.onDocUpdate);
		this.awareness.on('update', this.onAwarenessUpdate);
		this.time = openRoomTime(meta);
		this.time.onEvent((e) => {
			for (const c of this.conns) c.sendEvent(e);
		});
		this.runAnalysis();
	}

	/** Loads the room stored in `dir`; a new room is seeded with `seedFiles` exactly once. */
	static async open(dir: string, meta: RoomMeta, config: Config, backends: BackendFactory, seedFiles?: Record<string, string>): Promise<Room> {
		const seed = seedFiles
			? (doc: Y.Doc) => {
					for (const [path, content] of Object.entries(seedFiles)) createEntry(doc, path, 'file', content, config.limits);
				}
			: undefined;
		const persistence = await DocPersistence.open(join(dir, 'doc.log'), config.log, seed);
		const store = await backends.open(meta.id, dir);
		return new Room(dir, meta, persistence, store, config);
	}

	get doc(): Y.Doc {
		return this.persistence.doc;
	}

	get id(): string {
		return this.meta.id;
	}

	/** Keeps the room loaded while a client's stream lives; call the returned function when it ends. */
	hold(): () => void {
		this.holds++;
		let released = false;
		return () => {
			if (released) return;
			released = true;
			this.holds--;
			this.lastUsed = Date.now();
		};
	}

	/**
	 * Accepts a client socket with the role its token grants; `token` may carry the browser's
	 * participant key (`<token>.<key>`), which lets the facilitator change that participant's role.
	 */
	attach(ws: WebSocket, role: Role, token = ''): Connection {
		const { secret, participant } = parseToken(token);
		const conn = new Connection(ws, tokenRole(this.meta, secret) ?? role, participant, this);
		this.conns.add(conn);
		this.lastUsed = Date.now();
		this.publishRoles();
		return conn;
	}

	detach(conn: Connection): void {
		this.conns.delete(conn);
		this.lastUsed = Date.now();
		this.publishRoles();
	}

	roleFor(base: Role, participant: string | undefined): Role {
		return effectiveRole(this.meta, base, participant);
	}

	lockedPath(text: Y.Text): string | undefined {
		if (!this.meta.locked?.length) return undefined;
		const path = pathOfText(this.doc, text);
		return path !== undefined && isLocked(this.meta, path) ? path : undefined;
	}

	/** Writes the room's meta (settings, roles, locks) durably. */
	saveMeta(): Promise<void> {
		return writeMeta(this.dir, this.meta);
	}

	/** Gives a participant a role (their link's role again when `role` equals it); live for their connections. */
	async setParticipantRole(participant: string, role: 'editor' | 'viewer'): Promise<void> {
		const participants = { ...this.meta.participants };
		const name = this.participantName(participant);
		participants[participant] = { role, ...(name ? { name } : {}) };
		this.meta.participants = participants;
		await this.saveMeta();
		for (const c of this.conns) c.refreshRole();
		this.publishRoles();
	}

	/** Locks or unlocks a path; answers the locked paths. */
	async setLocked(path: string, locked: boolean): Promise<string[]> {
		const rest = (this.meta.locked ?? []).filter((p) => p !== path);
		this.meta.locked = locked ? [...rest, path].sort() : rest;
		await this.saveMeta();
		this.publish(this.locksEvent());
		return this.meta.locked;
	}

	/** Keeps locks on a renamed or moved path, and forgets those of a deleted one. */
	async moveLocks(from: string, to: string | undefined): Promise<void> {
		const locked = this.meta.locked ?? [];
		const moved = (p: string) => (p === from ? to : p.startsWith(from + '/') ? (to === undefined ? undefined : to + p.slice(from.length)) : p);
		const next = locked.map(moved).filter((p): p is string => p !== undefined);
		if (next.length === locked.length && next.every((p, i) => p === locked[i])) return;
		this.meta.locked = next.sort();
		await this.saveMeta();
		this.publish(this.locksEvent());
	}

	locksEvent(): LocksEvent {
		return { type: 'locks', paths: [...(this.meta.locked ?? [])] };
	}

	/** Asks everyone to follow the peer with awareness client id `leader` (null: stop). */
	setFollow(leader: number | null, name?: string): FollowEvent {
		const e: FollowEvent = { type: 'follow', leader, ...(name ? { name } : {}) };
		this.publish(e);
		return e;
	}

	/** Everyone connected with a participant id, with the role the server resolved. */
	participantRoles(): ParticipantRole[] {
		const byId = new Map<string, ParticipantRole>();
		for (const c of this.conns) {
			if (!c.participant) continue;
			const p = byId.get(c.participant) ?? { participant: c.participant, role: c.role, base: c.base, clientIds: [] };
			// One participant in two tabs (say, the editor and the facilitator link): the higher role shows.
			if (c.base === 'facilitator') Object.assign(p, { role: c.role, base: c.base });
			p.clientIds.push(...c.clientIds);
			byId.set(c.participant, p);
		}
		return [...byId.values()];
	}

	/** The display name a participant publishes in awareness (for the meta's record of roles). */
	participantName(participant: string): string | undefined {
		for (const c of this.conns) {
			const name = c.participant === participant ? this.awarenessName(c) : undefined;
			if (name !== undefined) return name;
		}
		return undefined;
	}

	/** The first display name the connection's awareness clients publish. */
	private awarenessName(conn: Connection): string | undefined {
		const states = this.awareness.getStates();
		for (const id of conn.clientIds) {
			const name = (states.get(id) as { user?: { name?: unknown } } | undefined)?.user?.name;
			if (typeof name === 'string') return name;
		}
		return undefined;
	}

	private publishRoles(): void {
		const e: RolesEvent = { type: 'roles', participants: this.participantRoles() };
		this.latest.set(e.type, e);
		for (const c of this.conns) c.sendEvent(e);
	}

	flush(): Promise<void> {
		return this.persistence.flush();
	}

	initialEvents(): RoomEvent[] {
		return [...(this.analysis ? [this.analysis] : []), this.time.event(), this.locksEvent(), ...this.latest.values()];
	}

	/** The latest analysis (computing it now if an edit is pending). */
	currentAnalysis(): AnalysisEvent {
		if (this.analysisTimer) this.runAnalysis();
		return this.analysis!;
	}

	/** Calls `fn` with every new analysis (and the parsed objects); returns an unsubscribe function. */
	onAnalysis(fn: (e: AnalysisEvent, objects: ParsedObject[]) => void): () => void {
		this.listeners.add(fn);
		return () => this.listeners.delete(fn);
	}

	/** The objects of the latest analysis, with their bodies and positions. */
	currentObjects(): ParsedObject[] {
		if (this.analysisTimer) this.runAnalysis();
		return this.objects;
	}

	/** Sends `e` to everyone and keeps it (the latest per type) for clients that connect later. */
	publish(e: RoomEvent): void {
		this.latest.set(e.type, e);
		for (const c of this.conns) c.sendEvent(e);
	}

	/** Replaces the apply diagnostics and republishes the analysis with them. */
	setApplyDiagnostics(byPath: Record<string, Diagnostic[]>): void {
		this.applyDiagnostics = byPath;
		if (!this.analysis) return;
		this.analysis = withApplyDiagnostics(this.analysis, byPath);
		for (const c of this.conns) c.sendEvent(this.analysis);
	}

	private onDocUpdate = (update: Uint8Array, origin: unknown, _doc: Y.Doc, tr: Y.Transaction) => {
		const enc = encoding.createEncoder();
		encoding.writeVarUint(enc, MESSAGE_SYNC);
		syncProtocol.writeUpdate(enc, update);
		const message = encoding.toUint8Array(enc);
		for (const c of this.conns) if (c !== origin) c.send(message);
		const touched = [...tr.changedParentTypes.keys()].some((t) => t instanceof Y.Text || t === this.doc.share.get(TREE) || t === this.doc.share.get(TEXTS));
		if (origin instanceof Connection) this.recordEditor(origin, tr);
		if (touched || origin === SERVER_ORIGIN) this.scheduleAnalysis();
	};

	private onAwarenessUpdate = (
		{ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
		origin: unknown
	) => {
		const changed = [...added, ...updated, ...removed];
		const known = origin instanceof Connection ? origin.clientIds.size : 0;
		if (origin instanceof Connection) {
			for (const id of [...added, ...updated]) origin.clientIds.add(id);
			for (const id of removed) origin.clientIds.delete(id);
		}
		for (const c of this.conns) c.sendAwareness(changed);
		// Presence entries are matched to server-resolved roles by client id.
		if (origin instanceof Connection && origin.participant && origin.clientIds.size !== known) this.publishRoles();
	};

	/** The display name of the person behind a transaction origin (a connection's awareness); undefined for the server. */
	editorName(origin: unknown): string | undefined {
		if (!(origin instanceof Connection)) return undefined;
		return this.awarenessName(origin) ?? 'anonymous';
	}

	/** Remembers the connection's user as the last editor of the files the transaction changed. */
	private recordEditor(conn: Connection, tr: Y.Transaction): void {
		const name = this.editorName(conn);
		for (const t of tr.changedParentTypes.keys()) {
			if (!(t instanceof Y.Text)) continue;
			const path = pathOfText(this.doc, t);
			if (!path) continue;
			// Re-inserted so the map's last entry is the latest edit (the author of an auto-sync).
			this.lastEditors.delete(path);
			this.lastEditors.set(path, name ?? 'anonymous');
		}
	}

	/** Debounced, with a deadline so a burst of typing still gets diagnostics within 200 ms. */
	private scheduleAnalysis(): void {
		const now = Date.now();
		if (!this.analysisTimer) this.analysisDeadline = now + 4 * this.config.analysisDelayMs;
		clearTimeout(this.analysisTimer);
		const wait = Math.max(0, Math.min(this.config.analysisDelayMs, this.analysisDeadline - now));
		this.analysisTimer = setTimeout(() => this.runAnalysis(), wait);
	}

	private runAnalysis(): void {
		clearTimeout(this.analysisTimer);
		this.analysisTimer = undefined;
		const { event: parsed, objects } = this.analyzer.analyze(fileTexts(this.doc));
		const event = withApplyDiagnostics(parsed, this.applyDiagnostics);
		this.analysis = event;
		this.objects = objects;
		for (const c of this.conns) c.sendEvent(event);
		for (const fn of this.listeners) fn(event, objects);
	}

	/** Closes every socket with `code`, flushes and releases the room's memory. */
	async unload(code = 1001, reason = 'room unloaded'): Promise<void> {
		clearTimeout(this.analysisTimer);
		for (const c of [...this.conns]) c.close(code, reason);
		this.doc.off('update', this.onDocUpdate);
		await this.controlPlane?.stop();
		this.time.dispose();
		await writeMeta(this.dir, this.meta).catch(() => {});
		await this.store.close();
		await this.persistence.close();
		this.awareness.destroy();
		this.doc.destroy();
	}
}

/** The analysis with apply diagnostics added to their files (files that no longer exist are dropped). */
function withApplyDiagnostics(e: AnalysisEvent, byPath: Record<string, Diagnostic[]>): AnalysisEvent {
	const diagnostics: Record<string, Diagnostic[]> = {};
	for (const [path, list] of Object.entries(e.diagnostics)) diagnostics[path] = [...list.filter((d) => d.source !== 'apply'), ...(byPath[path] ?? [])];
	return { ...e, diagnostics };
}
