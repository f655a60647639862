/**
 * etcd auth tokens for rooms. `Authenticate(name = room id, password = the room's editor or
 * viewer token)` returns a token; later calls carry it (gRPC metadata `token`, or the gateway's
 * `Authorization` header) and are served by that room with that role.
 *
 * A token is `<room id>.<role>.<mac>`, the mac an HMAC over the room id, the role and the room's
 * current token for that role, keyed by a secret drawn at start. So tokens need no table, die
 * with the process (clients re-authenticate on "invalid auth token", as with etcd's simple
 * tokens after a restart) and with the room (deleted, or its token changed).
 *
 * Errors are etcd's with auth enabled: no token → "user name is empty", a bad one → "invalid
 * auth token", bad credentials → "authentication failed, invalid user ID or password".
 *
 * @module
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from '../../src/lib/collab/protocol';
import { Errors } from '../../src/lib/store/errors';
import { roleOf } from '../rooms/meta';
import { can } from '../../src/lib/rooms/permissions';
import type { Room } from '../rooms/room';
import type { RoomRegistry } from '../rooms/registry';

const ROLE_CODE: Record<Role, string> = { facilitator: 'f', editor: 'e', viewer: 'v' };
const CODE_ROLE: Record<string, Role> = { f: 'facilitator', e: 'editor', v: 'viewer' };

export class TokenIssuer {
	constructor(private readonly secret: Buffer = randomBytes(32)) {}

	issue(room: Room, role: Role): string {
		return `${room.id}.${ROLE_CODE[role]}.${this.mac(room, role)}`;
	}

	/** The room id and role a token claims, before checking it against the room. */
	parse(token: string): { roomId: string; role: Role; mac: string } | undefined {
		const [roomId, code, mac, extra] = token.split('.');
		const role = CODE_ROLE[code];
		if (!roomId || !role || !mac || extra !== undefined) return undefined;
		return { roomId, role, mac };
	}

	/** Whether `mac` was issued for this room and role with the room's current token. */
	verify(room: Room, role: Role, mac: string): boolean {
		const want = Buffer.from(this.mac(room, role));
		const given = Buffer.from(mac);
		return want.length === given.length && timingSafeEqual(want, given);
	}

	/** HMACs memoized by their input: every call checks its token, and the input rarely changes. */
	private macs = new Map<string, string>();

	private mac(room: Room, role: Role): string {
		const input = `${room.id}\n${role}\n${room.meta.tokens[role]}`;
		let mac = this.macs.get(input);
		if (mac === undefined) {
			if (this.macs.size >= 10_000) this.macs.clear();
			mac = createHmac('sha256', this.secret).update(input).digest('base64url');
			this.macs.set(input, mac);
		}
		return mac;
	}
}

/** Who is calling: a loaded room and the role the token grants there. */
export interface Principal {
	room: Room;
	role: Role;
}

/** Authenticate: checks a room id and room token; throws etcd's authentication error. */
export async function authenticate(rooms: RoomRegistry, tokens: TokenIssuer, name: string, password: string): Promise<{ principal: Principal; token: string }> {
	const room = name ? await rooms.get(name) : undefined;
	const role = room ? roleOf(room.meta, password) : undefined;
	if (!room || !role) throw Errors.authFailed();
	return { principal: { room, role }, token: tokens.issue(room, role) };
}

/** The caller behind an auth token; throws etcd's "user name is empty" / "invalid auth token". */
export async function principalOf(rooms: RoomRegistry, tokens: TokenIssuer, token: string | undefined): Promise<Principal> {
	if (!token) throw Errors.userEmpty();
	const claim = tokens.parse(token);
	if (!claim) throw Errors.invalidAuthToken();
	const room = await rooms.get(claim.roomId);
	if (!room || !tokens.verify(room, claim.role, claim.mac)) throw Errors.invalidAuthToken();
	return { room, role: claim.role };
}

/** Writes need the editor token; a viewer gets etcd's permission denied. */
export function requireWrite(p: Principal): void {
	if (!can(p.role, 'write-cluster')) throw Errors.permissionDenied();
}
