/**
 * The rooms of one server: created on disk under `DATA_DIR/rooms/<id>/`, loaded on first use,
 * unloaded when nobody has used them for `idleUnloadMs`.
 *
 * @module
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CLOSE } from '../../src/lib/collab/protocol';
import { findStarter, STARTERS } from '../../src/lib/rooms/starters';
import { parseCidr, serviceCIDRProblem } from '../../src/lib/kube/ip-range';
import { StatusError } from '../http/respond';
import type { Config } from '../config';
import { Room } from './room';
import { backendFactory, type BackendFactory } from '../store/backends';
import { newRoomId, newToken, readMeta, ROOM_ID, writeMeta, type RoomMeta } from './meta';
import { startControlPlane } from '../controllers/manager';
import { roomHistory } from '../timetravel/recorder';
import { lessonRuntime } from '../lessons/runtime';

const SWEEP_MS = 5_000;

export class RoomRegistry {
	private loaded = new Map<string, Promise<Room>>();
	/** The room each settled load promise gave. */
	private opened = new WeakMap<Promise<Room>, Room>();
	private known = new Set<string>();
	/** Rooms being unloaded: a load waits for the unload to finish writing. */
	private unloading = new Map<string, Promise<void>>();
	private sweeper: ReturnType<typeof setInterval>;

	private readonly backends: BackendFactory;

	private constructor(private readonly config: Config) {
		this.backends = backendFactory(config);
		this.sweeper = setInterval(() => void this.sweep(), Math.min(SWEEP_MS, Math.max(100, config.idleUnloadMs)));
		this.sweeper.unref();
	}

	static async open(config: Config): Promise<RoomRegistry> {
		const r = new RoomRegistry(config);
		await mkdir(r.roomsDir, { recursive: true });
		for (const id of await readdir(r.roomsDir)) if (ROOM_ID.test(id) && existsSync(join(r.roomsDir, id, 'meta.json'))) r.known.add(id);
		return r;
	}

	get roomsDir(): string {
		return join(this.config.dataDir, 'rooms');
	}

	get count(): number {
		return this.known.size;
	}

	get loadedCount(): number {
		return this.loaded.size;
	}

	/** Creates a room from a starter; its files are durable before this resolves. */
	async create(opts: { starter?: string; name?: string; serviceCIDR?: string }): Promise<Room> {
		const starter = findStarter(opts.starter);
		if (!starter) throw new StatusError(422, 'Invalid', `unknown starter "${opts.starter}"; one of: ${STARTERS.map((s) => s.id).join(', ')}`);
		const cidrProblem = opts.serviceCIDR === undefined ? undefined : serviceCIDRProblem(opts.serviceCIDR);
		if (cidrProblem) throw new StatusError(422, 'Invalid', `serviceCIDR: Invalid value: "${opts.serviceCIDR}": ${cidrProblem}`);
		if (this.known.size >= this.config.limits.maxRooms)
			throw new StatusError(429, 'TooManyRequests', `this server holds its maximum of ${this.config.limits.maxRooms} rooms; delete one first`);
		const name = (opts.name ?? '').trim().slice(0, 100) || starter.title;
		const meta: RoomMeta = {
			id: newRoomId(),
			name,
			starter: starter.id,
			created: new Date().toISOString(),
			tokens: { facilitator: newToken(), editor: newToken(), viewer: newToken() },
			...(opts.serviceCIDR === undefined ? {} : { serviceCIDR: parseCidr(opts.serviceCIDR)!.text })
		};
		const dir = join(this.roomsDir, meta.id);
		await mkdir(dir, { recursive: true });
		// The doc is seeded (and fsynced) before meta.json exists, so a crash never leaves a room
		// that looks created but would be seeded again on load.
		const room = await Room.open(dir, meta, this.config, this.backends, starter.files);
		await writeMeta(dir, meta);
		this.known.add(meta.id);
		this.track(meta.id, Promise.resolve(room));
		this.run(room);
		return room;
	}

	/**
	 * A room from prepared contents (an imported archive): `fill` writes the room's files into its
	 * new directory before meta.json exists, so a failed fill leaves nothing. New id and tokens;
	 * the room loads (and starts its control plane) on first use.
	 */
	async createFrom(meta: Omit<RoomMeta, 'id' | 'tokens' | 'created'>, fill: (dir: string) => Promise<void>): Promise<RoomMeta> {
		if (this.known.size >= this.config.limits.maxRooms)
			throw new StatusError(429, 'TooManyRequests', `this server holds its maximum of ${this.config.limits.maxRooms} rooms; delete one first`);
		const full: RoomMeta = { ...meta, id: newRoomId(), created: new Date().toISOString(), tokens: { facilitator: newToken(), editor: newToken(), viewer: newToken() } };
		const dir = join(this.roomsDir, full.id);
		await mkdir(dir, { recursive: true });
		try {
			await fill(dir);
			await writeMeta(dir, full);
		} catch (e) {
			await rm(dir, { recursive: true, force: true });
			throw e;
		}
		this.known.add(full.id);
		return full;
	}

	/**
	 * The room, loading it if needed; undefined when it does not exist. An `internal` caller (the
	 * room's own control plane) neither loads a room nor counts as its use.
	 */
	async get(id: string, opts: { internal?: boolean } = {}): Promise<Room | undefined> {
		if (!ROOM_ID.test(id) || !this.known.has(id)) return undefined;
		let p = this.loaded.get(id);
		if (!p) {
			// A room's control plane never reloads it: only users do.
			if (opts.internal) return undefined;
			const dir = join(this.roomsDir, id);
			const pending = this.unloading.get(id) ?? Promise.resolve();
			p = pending.then(() => readMeta(dir)).then((meta) => Room.open(dir, meta, this.config, this.backends))
				.then((room) => (this.run(room), room));
			this.track(id, p);
			p.catch(() => this.loaded.delete(id));
		}
		const room = await p;
		// Unloaded by the sweeper while we waited: load it again rather than hand out a closed room.
		if (this.loaded.get(id) !== p) return this.known.has(id) ? this.get(id, opts) : undefined;
		if (!opts.internal) room.lastUsed = Date.now();
		return room;
	}

	async delete(id: string): Promise<boolean> {
		const room = await this.get(id);
		if (!room) return false;
		this.known.delete(id);
		this.loaded.delete(id);
		await room.unload(CLOSE.notFound, 'room deleted');
		await rm(join(this.roomsDir, id), { recursive: true, force: true });
		return true;
	}

	/** What runs in a loaded room besides its documents: the control plane, the history kept for time travel, the lesson's checks. */
	private run(room: Room): void {
		startControlPlane(room, this, this.config);
		roomHistory(room);
		lessonRuntime(room, { rooms: this, config: this.config }).catch((e: Error) => this.config.log(`room ${room.id}: lessons: ${e.message}`));
	}

	private track(id: string, p: Promise<Room>): void {
		this.loaded.set(id, p);
		p.then((room) => this.opened.set(p, room), () => {});
	}

	/** Whether the room is in memory now (loaded or loading), for tests and the control-plane view. */
	isLoaded(id: string): boolean {
		return this.loaded.has(id);
	}

	/** Unloads rooms with nobody connected that were not used for `idleUnloadMs`. */
	async sweep(): Promise<void> {
		const now = Date.now();
		for (const [id, p] of this.loaded) {
			// A room still loading is in use; waiting for it here would stall the sweep for every room.
			const room = this.opened.get(p);
			if (!room || room.conns.size > 0 || room.holds > 0 || now - room.lastUsed < this.config.idleUnloadMs) continue;
			if (this.loaded.get(id) !== p) continue;
			this.loaded.delete(id);
			const done = room.unload().finally(() => this.unloading.delete(id));
			this.unloading.set(id, done);
			await done;
		}
	}

	/** Unloads every room (flushing each) and stops the sweeper. */
	async close(): Promise<void> {
		clearInterval(this.sweeper);
		const rooms = await Promise.all([...this.loaded.values()].map((p) => p.catch(() => undefined)));
		this.loaded.clear();
		await Promise.all(rooms.map((r) => r?.unload(CLOSE.goingAway, 'server shutting down')));
		await this.backends.close();
	}
}
