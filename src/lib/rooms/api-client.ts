/**
 * Browser-side calls to the rooms HTTP API (server/rooms/api.ts). Errors are Kubernetes Status
 * objects; `ApiError` carries their message.
 *
 * @module
 */
import type { Role } from '../collab/protocol';

export interface RoomInfo {
	id: string;
	name: string;
	starter: string;
	created: string;
	role: Role;
	tokens: Partial<Record<Role, string>>;
	/** Links by role: the facilitator sees all three, an editor the editor and viewer ones, a viewer its own. */
	links: Partial<Record<Role, string>> & { viewer: string };
	files: Array<{ path: string; type: 'file' | 'dir'; bytes?: number }>;
	participants: number;
	/** Paths only the facilitator may change. */
	locked: string[];
}

export interface StarterInfo {
	id: string;
	title: string;
	description: string;
	files: string[];
}

export class ApiError extends Error {
	override name = 'ApiError';
	constructor(
		readonly code: number,
		message: string
	) {
		super(message);
	}
}

async function call<T>(method: string, path: string, token?: string, body?: unknown): Promise<T> {
	const headers: Record<string, string> = {};
	if (token) headers.authorization = `Bearer ${token}`;
	if (body !== undefined) headers['content-type'] = 'application/json';
	const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
	const data = res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text();
	if (!res.ok) throw new ApiError(res.status, (data as { message?: string }).message ?? res.statusText);
	return data as T;
}

export const listStarters = () => call<{ items: StarterInfo[] }>('GET', '/api/starters').then((r) => r.items);
export const createRoom = (starter: string, name?: string) => call<RoomInfo>('POST', '/api/rooms', undefined, { starter, name });
export const getRoom = (id: string, token: string) => call<RoomInfo>('GET', `/api/rooms/${id}`, token);
export const deleteRoom = (id: string, token: string) => call<unknown>('DELETE', `/api/rooms/${id}`, token);
export const createFile = (id: string, token: string, path: string, type: 'file' | 'dir') =>
	call<{ path: string }>('POST', `/api/rooms/${id}/files`, token, { path, type });
export const renameFile = (id: string, token: string, from: string, to: string) =>
	call<{ path: string }>('PATCH', `/api/rooms/${id}/files`, token, { from, to });
export const deleteFile = (id: string, token: string, path: string) =>
	call<{ deleted: string[] }>('DELETE', `/api/rooms/${id}/files?path=${encodeURIComponent(path)}`, token);

/** What `POST /api/rooms/<id>/clock` accepts (see server/rooms/api.ts). */
export type ClockAction =
	| { action: 'pause' }
	| { action: 'resume' }
	| { action: 'step'; seconds: number | 'next' }
	| { action: 'speed'; speed: number | 'max' };
export const controlClock = (id: string, token: string, action: ClockAction) => call<unknown>('POST', `/api/rooms/${id}/clock`, token, action);

/** Facilitator actions (server/rooms/workshop-api.ts). */
export const setParticipantRole = (id: string, token: string, participant: string, role: 'editor' | 'viewer') =>
	call<{ participant: string; role: Role }>('PUT', `/api/rooms/${id}/participants/${participant}`, token, { role });
export const setLocked = (id: string, token: string, path: string, locked: boolean) => call<{ paths: string[] }>('PUT', `/api/rooms/${id}/locks`, token, { path, locked });
export const followAll = (id: string, token: string, leader: number | null) => call<unknown>('POST', `/api/rooms/${id}/follow`, token, { leader });
export const resetCluster = (id: string, token: string) => call<{ message: string }>('POST', `/api/rooms/${id}/reset`, token);
