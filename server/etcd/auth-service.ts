/**
 * etcdserverpb.Auth: Authenticate only. A room is a user: name = room id, password = the room's
 * editor or viewer token. User and role management are etcd's admin API and stay unimplemented.
 *
 * @module
 */
import { authenticate } from './auth';
import { Caller, type EtcdContext } from './context';
import type { PbHeader } from './convert';

export function authService(ctx: EtcdContext) {
	return {
		async Authenticate(req: { name: string; password: string }): Promise<{ header: PbHeader; token: string }> {
			const { principal, token } = await authenticate(ctx.rooms, ctx.tokens, req.name, req.password);
			const caller = new Caller(principal);
			return { header: caller.header(await caller.revision()), token };
		}
	};
}
