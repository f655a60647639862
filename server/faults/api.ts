/**
 * The rooms API of failure injection:
 *
 *   GET    /api/rooms/<id>/faults                 any role → schedules (entries and their fate), active and recent faults
 *   POST   /api/rooms/<id>/faults                 write-cluster {fault, node?, resource?, image?, namespace?, selector?, rate?, crashAfter?, recoverAfter?|for?} → 201 the active fault
 *   POST   /api/rooms/<id>/faults/<fid>/recover   write-cluster → 200 the recovered fault
 *   DELETE /api/rooms/<id>/faults/<fid>           write-cluster (the same)
 *
 * Errors are Kubernetes Status objects (422 for an invalid fault, with the field's message).
 *
 * @module
 */
import { parseFault } from '../../src/lib/faults/parse';
import { sendJson, StatusError, type StatusReason } from '../http/respond';
import { requireCan } from '../rooms/authorize';
import { faultRuntimeOf, FaultRequestError, type FaultRuntime } from './runtime';
import type { RoomRequest } from '../rooms/room-request';

export async function handleFaultsApi({ req, res, url, parts, room, role, body }: RoomRequest): Promise<boolean> {
	if (parts[3] !== 'faults' || parts.length > 6) return false;
	const method = req.method ?? 'GET';
	const runtime = (): FaultRuntime => {
		const r = faultRuntimeOf(room);
		if (!r) throw new StatusError(409, 'Conflict', `room "${room.id}" runs no control plane: faults need its fault runtime`);
		return r;
	};
	const write = (doing: string) => requireCan(role, 'write-cluster', `${doing} in room "${room.id}"`);
	try {
		if (parts.length === 4 && method === 'GET') return sendJson(res, 200, runtime().view()), true;
		if (parts.length === 4 && method === 'POST') {
			write('inject faults');
			const { fault, errors } = parseFault(await body());
			if (!fault) throw new StatusError(422, 'Invalid', errors.map((e) => e.message).join('; '));
			sendJson(res, 201, await runtime().injectNow(fault));
			return true;
		}
		const recovering = (parts.length === 6 && parts[5] === 'recover' && method === 'POST') || (parts.length === 5 && method === 'DELETE');
		if (recovering) {
			write('recover faults');
			sendJson(res, 200, await runtime().recoverNow(parts[4]));
			return true;
		}
	} catch (e) {
		if (e instanceof FaultRequestError) throw new StatusError(e.code, e.reason as StatusReason, e.message);
		throw e;
	}
	throw new StatusError(405, 'MethodNotAllowed', `${method} is not supported on ${url.pathname}`);
}
