/**
 * Rooms this browser visited, remembered in localStorage (with the token the link carried, so
 * the list can reopen them). Newest first, bounded.
 *
 * @module
 */
import type { Role } from '../collab/protocol';

export interface RecentRoom {
	id: string;
	name: string;
	token: string;
	role: Role;
	visited: string;
}

const KEY = 'converge.recentRooms';
const RANK: Record<Role, number> = { viewer: 0, editor: 1, facilitator: 2 };
export const MAX_RECENT = 20;

export function loadRecent(storage: Pick<Storage, 'getItem'> = localStorage): RecentRoom[] {
	try {
		const v = JSON.parse(storage.getItem(KEY) ?? '[]');
		return Array.isArray(v) ? (v as RecentRoom[]).filter((r) => r && typeof r.id === 'string' && typeof r.token === 'string') : [];
	} catch {
		return [];
	}
}

/** Records a visit; a token is never replaced by one of a lesser role for the same room. */
export function rememberRoom(room: Omit<RecentRoom, 'visited'>, storage: Pick<Storage, 'getItem' | 'setItem'> = localStorage): RecentRoom[] {
	const list = loadRecent(storage);
	const old = list.find((r) => r.id === room.id);
	const keep = old && RANK[old.role] > RANK[room.role] ? old : room;
	const next = [{ ...keep, name: room.name, visited: new Date().toISOString() }, ...list.filter((r) => r.id !== room.id)].slice(0, MAX_RECENT);
	storage.setItem(KEY, JSON.stringify(next));
	return next;
}

export function forgetRoom(id: string, storage: Pick<Storage, 'getItem' | 'setItem'> = localStorage): RecentRoom[] {
	const next = loadRecent(storage).filter((r) => r.id !== id);
	storage.setItem(KEY, JSON.stringify(next));
	return next;
}

/** Parses a room link (`…/r/<id>#token=<t>`) pasted by a user. */
export function parseRoomLink(link: string): { id: string; token: string } | undefined {
	const m = /\/r\/([A-Za-z0-9_-]{22})(?:[/?][^#]*)?#(?:.*&)?token=([A-Za-z0-9_-]+)/.exec(link.trim());
	return m ? { id: m[1], token: m[2] } : undefined;
}
