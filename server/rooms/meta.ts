/**
 * A room's metadata: id, tokens and how it was created. Ids and tokens carry 128 bits or more
 * from the OS random source, so a room cannot be found without its link.
 *
 * @module
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Role, SyncSettings } from '../../src/lib/collab/protocol';
import type { ClockState } from '../../src/lib/clock/room-clock';
import { writeFileDurable } from '../storage/record-log';

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
	/** The applier's modes (auto-sync on, prune and self-heal off when absent). */
	sync?: SyncSettings;
}

/** 128-bit room id, URL-safe (22 characters). */
export function newRoomId(): string {
	return randomBytes(16).toString('base64url');
}

/** 192-bit token, URL-safe (32 characters). */
export function newToken(): string {
	return randomBytes(24).toString('base64url');
}

export const ROOM_ID = /^[A-Za-z0-9_-]{22}$/;

/** The role `token` grants in the room, compared in constant time. */
export function roleOf(meta: RoomMeta, token: string | undefined | null): Role | undefined {
	if (!token) return undefined;
	const given = Buffer.from(token);
	for (const role of ['editor', 'viewer'] as const) {
		const want = Buffer.from(meta.tokens[role]);
		if (want.length === given.length && timingSafeEqual(want, given)) return role;
	}
	return undefined;
}

export async function readMeta(dir: string): Promise<RoomMeta> {
	return JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as RoomMeta;
}

export async function writeMeta(dir: string, meta: RoomMeta): Promise<void> {
	await writeFileDurable(join(dir, 'meta.json'), JSON.stringify(meta, null, 2));
}
