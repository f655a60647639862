/**
 * What every etcd service shares: the rooms, the token issuer, the options, and the `Caller`
 * (an authenticated room + role) with the response header etcd would send from that "cluster".
 *
 * Each room looks like its own single-member etcd cluster: cluster_id and member_id are derived
 * from the room id (stable across restarts, different per room), raft_term is constant.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { Backend } from '../../src/lib/store/backend';
import { Limits } from '../../src/lib/store/errors';
import type { Role } from '../../src/lib/collab/protocol';
import type { Room } from '../rooms/room';
import type { RoomRegistry } from '../rooms/registry';
import { principalOf, TokenIssuer, type Principal } from './auth';
import { int64, type Int64, type PbHeader } from './convert';

/** The raft term a single member settles at after its first election (etcd reports 2). */
export const RAFT_TERM = 2;

/** What Maintenance.Status reports as the server version. */
export const SERVER_VERSION = '3.4.23-converge';

/** etcd's gRPC allowance on top of --max-request-bytes (grpcOverheadBytes). */
export const GRPC_OVERHEAD_BYTES = 512 * 1024;

export interface EtcdOptions {
	/** Write requests larger than this get "etcdserver: request is too large" (etcd's --max-request-bytes). */
	maxRequestBytes: number;
	/** Progress notifications to watchers that asked for them (etcd: 10 minutes). */
	progressNotifyMs: number;
	log: (msg: string) => void;
}

export const DEFAULT_ETCD_OPTIONS: EtcdOptions = {
	maxRequestBytes: Limits.maxRequestBytes,
	progressNotifyMs: 10 * 60_000,
	log: () => {}
};

const ids = new Map<string, Int64>();

/** A 64-bit id from a label and the room id, as a decimal uint64 (never 0); computed once per room. */
function idOf(label: string, roomId: string): Int64 {
	const key = `${label} ${roomId}`;
	let id = ids.get(key);
	if (id === undefined) {
		if (ids.size >= 10_000) ids.clear();
		const n = createHash('sha256').update(`converge ${key}`).digest().readBigUInt64BE(0);
		ids.set(key, (id = (n === 0n ? 1n : n).toString()));
	}
	return id;
}

export class Caller implements Principal {
	readonly clusterId: Int64;
	readonly memberId: Int64;

	constructor(readonly principal: Principal) {
		this.clusterId = idOf('cluster', principal.room.id);
		this.memberId = idOf('member', principal.room.id);
	}

	get room() {
		return this.principal.room;
	}

	get role() {
		return this.principal.role;
	}

	get store(): Backend {
		return this.principal.room.store;
	}

	/** A top-level response header at `revision`. */
	header(revision: number): PbHeader {
		return { cluster_id: this.clusterId, member_id: this.memberId, revision: int64(revision), raft_term: int64(RAFT_TERM) };
	}

	/** The store's revision now (for responses that carry no revision of their own). */
	async revision(): Promise<number> {
		return (await this.store.leaseLeases()).revision;
	}
}

export class EtcdContext {
	readonly tokens = new TokenIssuer();

	constructor(
		readonly rooms: RoomRegistry,
		readonly options: EtcdOptions
	) {}

	/** One Caller per room and role (its ids are derived once), for as long as the room lives. */
	private callers = new WeakMap<Room, Partial<Record<Role, Caller>>>();

	/** The caller behind an auth token (etcd's errors when missing or invalid). */
	async caller(token: string | undefined): Promise<Caller> {
		const p = await principalOf(this.rooms, this.tokens, token);
		let byRole = this.callers.get(p.room);
		if (!byRole) this.callers.set(p.room, (byRole = {}));
		return (byRole[p.role] ??= new Caller(p));
	}
}
