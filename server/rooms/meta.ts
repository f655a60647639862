/**
 * A room's metadata: id, tokens and how it was created, plus the workshop state the facilitator
 * sets (participants' roles, locked files). Ids and tokens carry 128 bits or more from the OS
 * random source, so a room cannot be found without its link.
 *
 * A request may carry its participant key after the token (`<token>.<participant key>`, what
 * the browser sends): the participant id is a hash of that key, so ids can be shown to everyone
 * (the facilitator's role menu) without letting anyone borrow another participant's role.
 *
 * @module
 */
import { DEFAULT_SERVICE_CIDR } from '../../src/lib/kube/ip-range';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Role, SyncSettings } from '../../src/lib/collab/protocol';
import type { ClockState } from '../../src/lib/clock/room-clock';
import { writeFileDurable } from '../storage/record-log';
import type { RetentionSettings } from '../../src/lib/timetravel/retention';

export interface RoomMeta {
	id: string;
	name: string;
	starter: string;
	created: string;
	tokens: Record<Role, string>;
	/** The simulated clock where the room left it (server/clock/room-time.ts). */
	clock?: ClockState;
	/** Seed of the room's RNG. */
	seed?: number;
	/** The room's service range (kube-apiserver's `--service-cluster-ip-range`), fixed when the room is created; 10.96.0.0/12 when absent. */
	serviceCIDR?: string;
	/** The applier's modes (auto-sync on, prune and self-heal off when absent). */
	sync?: SyncSettings;
	/** How much store history the room keeps (time travel; defaults when absent). */
	retention?: RetentionSettings;
	/** Roles the facilitator gave participants, by participant id (instead of their link's role). */
	participants?: Record<string, { role: 'editor' | 'viewer'; name?: string }>;
	/** Paths only the facilitator may change (a folder locks what is under it). */
	locked?: string[];
	/** Created before the facilitator role: editors (who could do everything then) also get the facilitator link. */
	editorsFacilitate?: boolean;
}

/** The room's service range: its own, or kubeadm's default. */
export const serviceCIDROf = (meta: RoomMeta): string => meta.serviceCIDR ?? DEFAULT_SERVICE_CIDR;

/** 128-bit room id, URL-safe (22 characters). */
export function newRoomId(): string {
	return randomBytes(16).toString('base64url');
}

/** 192-bit token, URL-safe (32 characters). */
export function newToken(): string {
	return randomBytes(24).toString('base64url');
}

export const ROOM_ID = /^[A-Za-z0-9_-]{22}$/;
/** Participant ids: 96 bits of a SHA-256 of the participant key, base64url. */
export const PARTICIPANT_ID = /^[A-Za-z0-9_-]{16}$/;

/** The participant id of a participant key (what everyone may see). */
export function participantIdOf(key: string): string {
	return createHash('sha256').update(key).digest().subarray(0, 12).toString('base64url');
}

/** Splits `<token>[.<participant key>]`. */
export function parseToken(token: string): { secret: string; participant?: string } {
	const dot = token.indexOf('.');
	if (dot < 0) return { secret: token };
	const key = token.slice(dot + 1);
	return { secret: token.slice(0, dot), ...(key ? { participant: participantIdOf(key) } : {}) };
}

/** The role of the link's token itself, compared in constant time. */
export function tokenRole(meta: RoomMeta, secret: string): Role | undefined {
	const given = Buffer.from(secret);
	let found: Role | undefined;
	for (const role of ['facilitator', 'editor', 'viewer'] as const) {
		const want = meta.tokens[role];
		if (!want) continue;
		const w = Buffer.from(want);
		if (w.length === given.length && timingSafeEqual(w, given)) found = role;
	}
	return found;
}

/** The role a participant has: the facilitator's change if any, else their link's (the facilitator is never overridden). */
export function effectiveRole(meta: RoomMeta, base: Role, participant: string | undefined): Role {
	if (base === 'facilitator' || !participant) return base;
	return meta.participants?.[participant]?.role ?? base;
}

/** The role `token` (optionally with a participant key) grants in the room now. */
export function roleOf(meta: RoomMeta, token: string | undefined | null): Role | undefined {
	if (!token) return undefined;
	const { secret, participant } = parseToken(token);
	const base = tokenRole(meta, secret);
	return base && effectiveRole(meta, base, participant);
}

/** Whether `path` is locked (itself or a folder above it). */
export function isLocked(meta: RoomMeta, path: string): boolean {
	return (meta.locked ?? []).some((p) => path === p || path.startsWith(p + '/'));
}

/**
 * Reads meta.json. Rooms created before the facilitator role get a facilitator token now,
 * persisted at once; editors of such rooms (who could do everything before) are shown the
 * facilitator link too, so the room keeps someone able to run it.
 */
export async function readMeta(dir: string): Promise<RoomMeta> {
	const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as RoomMeta;
	if (!meta.tokens.facilitator) {
		meta.tokens.facilitator = newToken();
		meta.editorsFacilitate = true;
		await writeMeta(dir, meta);
	}
	return meta;
}

export async function writeMeta(dir: string, meta: RoomMeta): Promise<void> {
	await writeFileDurable(join(dir, 'meta.json'), JSON.stringify(meta, null, 2));
}
