/**
 * One request to a room's part of the rooms HTTP API (`/api/rooms/<id>/...`), as every route
 * module receives it: the room is resolved, held loaded and the caller's role known. A route
 * answers and returns true, or returns false when the path is not its own.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Role } from '../../src/lib/collab/protocol';
import type { Config } from '../config';
import type { RoomRegistry } from './registry';
import type { Room } from './room';

export interface RoomRequest {
	req: IncomingMessage;
	res: ServerResponse;
	url: URL;
	/** The path's segments: `['api', 'rooms', <id>, ...]`. */
	parts: string[];
	room: Room;
	/** The role the server resolved for this request (participant overrides included). */
	role: Role;
	/** The JSON body (bounded by the message limit). */
	body: () => Promise<Record<string, unknown>>;
	/** Writes the room's meta (settings, retention, roles live there). */
	saveMeta: () => Promise<void>;
	rooms: RoomRegistry;
	config: Config;
}

export type RoomRoute = (r: RoomRequest) => Promise<boolean>;
