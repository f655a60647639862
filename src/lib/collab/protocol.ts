/**
 * Wire protocol of a room's collaboration socket.
 *
 * Message types 0–3 are y-websocket's (sync, awareness, auth, query-awareness) and are handled by
 * y-protocols on both sides. converge adds two message types in a range y-websocket never uses:
 *
 * - `MESSAGE_ACK`: the server's state vector at the moment it received an update, sent once that
 *   update is fsynced. A client compares its own clock against it to know which of its edits are
 *   durable ("offline edits pending" until they are).
 * - `MESSAGE_BARRIER` / `MESSAGE_BARRIER_ACK`: the client numbers its local edits and sends a
 *   barrier after each; the server answers once everything before it is fsynced. Unlike the state
 *   vector, this also covers edits that only delete (a delete does not advance the state vector).
 * - `MESSAGE_ROOM_EVENT`: JSON room events (diagnostics, declared objects, notices), so that
 *   derived data never goes into the CRDT (it would bloat history).
 *
 * @module
 */

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
export const MESSAGE_QUERY_AWARENESS = 3;
export const MESSAGE_ACK = 100;
export const MESSAGE_ROOM_EVENT = 101;
/** Client → server: "tell me when everything I sent before this is durable" (varuint seq). */
export const MESSAGE_BARRIER = 102;
/** Server → client: the barrier with that seq is passed (everything before it is fsynced). */
export const MESSAGE_BARRIER_ACK = 103;

/** Path prefix of the collaboration socket: `/collab/<roomId>?token=<token>`. */
export const COLLAB_PATH = '/collab/';

/**
 * Close codes. 44xx are permanent for y-websocket 3.1 (no reconnect; the provider emits
 * `closed`), everything else is retried with back-off.
 */
export const CLOSE = {
	/** No or unknown token. */
	unauthorized: 4401,
	/** Token valid but not for this action, or Origin not allowed. */
	forbidden: 4403,
	/** The room does not exist (deleted, or never created). */
	notFound: 4404,
	/** An update was refused (a limit); the client must drop its local state and resync. */
	rejected: 4413,
	/** Too many messages; the client may reconnect after a pause. */
	rateLimited: 4429,
	/** Server shutting down; reconnect. */
	goingAway: 1001
} as const;

/** Roles a token grants in a room. */
export type Role = 'facilitator' | 'editor' | 'viewer';

/** A notice the server sends to one connection (a limit hit, a dropped edit). */
export interface Notice {
	type: 'notice';
	level: 'info' | 'warning' | 'error';
	code: string;
	message: string;
}

/** Position of a diagnostic: 1-based line and column, like an editor shows them. */
export interface Diagnostic {
	path: string;
	/** Byte range in the file's text (UTF-16 offsets, as the editor counts). */
	from: number;
	to: number;
	line: number;
	col: number;
	severity: 'error' | 'warning';
	/** What kind of check produced it: `yaml` syntax, object `shape`, the kind's `schema`, or the API refusing an `apply`. */
	source: 'yaml' | 'shape' | 'schema' | 'apply';
	message: string;
}

/** An object a file declares. */
export interface DeclaredObject {
	apiVersion: string;
	kind: string;
	namespace?: string;
	name: string;
	path: string;
	/** Index of the YAML document in the file (0-based). */
	doc: number;
	line: number;
}

/** Diagnostics and declared objects of the room, published after each parse. */
export interface AnalysisEvent {
	type: 'analysis';
	/** Per file path: its diagnostics (an empty list for a clean file). */
	diagnostics: Record<string, Diagnostic[]>;
	objects: DeclaredObject[];
}

/**
 * The room's simulated clock, sent on connect and on every change (pause, speed, step; every
 * second while at max speed). Running at a numeric speed, a browser shows
 * `time + (Date.now() - receivedAt) * speed` (its own clock, so clock skew does not matter).
 */
export interface ClockEvent {
	type: 'clock';
	/** Simulated time, ms since the epoch. */
	time: number;
	paused: boolean;
	/** ×speed, or `max` (time jumps from event to event). */
	speed: number | 'max';
	/** The server's wall time when `time` was read. */
	wall: number;
	/** The room's RNG seed. */
	seed: number;
}

/** The applier's modes (room settings, persisted). */
export interface SyncSettings {
	autoSync: boolean;
	prune: boolean;
	selfHeal: boolean;
}

/** Who last wrote a live object, from its managedFields. */
export interface LiveManager {
	manager: string;
	operation: string;
	time?: string;
	subresource?: string;
}

/** One object of the sync state: declared in a file, or live and applied earlier (Extraneous; `line` 0). */
export interface SyncObjectState extends DeclaredObject {
	/** objectKey (src/lib/kube/analyze.ts). */
	key: string;
	sync: 'Synced' | 'OutOfSync' | 'Missing' | 'Extraneous' | 'Unknown';
	health: { status: 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown'; message?: string };
	/** Why the last apply of this object failed (the API's message). */
	applyError?: string;
	/** Not applied: its file has errors, or it is not an API object. */
	skipped?: string;
	/** Extraneous objects: `would prune` while prune is off. */
	wouldPrune?: boolean;
	/** Who last edited this object's declaration (display name; server/applier/attribution.ts). */
	lastEditedBy?: string;
	liveManagers: LiveManager[];
	/** Fields that differ (sync-lib's FieldDifference: path, desired, live, kind, owners). */
	differences: Array<{ path: string; desired?: unknown; live?: unknown; kind: string; owners: LiveManager[] }>;
}

/** The applier's state of the room: settings, the last sync, and every object's sync and health. */
export interface SyncEvent {
	type: 'sync';
	settings: SyncSettings;
	lastSync?: {
		/** Wall time (RFC 3339). */
		time: string;
		trigger: 'auto' | 'manual' | 'self-heal';
		/** Display name of who caused it (the last editor, or the caller of a manual sync). */
		triggeredBy?: string;
		result: 'Succeeded' | 'Failed';
		applied: number;
		pruned: number;
		failed: number;
	};
	summary: { sync: Record<string, number>; health: Record<string, number> };
	objects: SyncObjectState[];
}

/** Sent to one connection: the role the server grants it now (changes live when the facilitator changes it). */
export interface RoleEvent {
	type: 'role';
	role: Role;
	/** The role of the link's token (what the participant has without the facilitator's change). */
	base: Role;
	/** This browser's participant id (a hash of its secret participant key), when it sent one. */
	participant?: string;
}

/** A participant present in the room, as the server resolved it (not what clients claim in awareness). */
export interface ParticipantRole {
	participant: string;
	role: Role;
	base: Role;
	/** Awareness client ids of this participant's connections (to match presence entries). */
	clientIds: number[];
}

/** Everyone present with their effective role; sent on every join, leave and role change. */
export interface RolesEvent {
	type: 'roles';
	participants: ParticipantRole[];
}

/** Files only the facilitator may change (a folder's path locks everything under it). */
export interface LocksEvent {
	type: 'locks';
	paths: string[];
}

/** The facilitator asked everyone to follow a peer (`leader`: its awareness client id), or stopped (`null`). */
export interface FollowEvent {
	type: 'follow';
	leader: number | null;
	/** Display name of the leader. */
	name?: string;
}

export type RoomEvent = Notice | AnalysisEvent | ClockEvent | SyncEvent | RoleEvent | RolesEvent | LocksEvent | FollowEvent | import('../lessons/types').LessonEvent | import('../faults/types').FaultsEvent;
