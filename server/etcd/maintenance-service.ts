/**
 * etcdserverpb.Maintenance: Status, Alarm (NOSPACE, the only alarm a room raises) and
 * Defragment. A room reports itself as the leader of its own one-member cluster; raft indexes
 * follow the store revision, which is what moves when the room changes.
 *
 * Like etcd 3.4, Alarm and Defragment responses carry no header, and Status lists raised alarms
 * in `errors` as "memberID:<id> alarm:NOSPACE ".
 *
 * @module
 */
import { Errors } from '../../src/lib/store/errors';
import { requireWrite } from './auth';
import { RAFT_TERM, SERVER_VERSION, type Caller } from './context';
import { int64, type Int64, type PbHeader } from './convert';

export interface StatusResponse {
	header: PbHeader;
	version: string;
	dbSize: Int64;
	leader: Int64;
	raftIndex: Int64;
	raftTerm: Int64;
	raftAppliedIndex: Int64;
	errors: string[];
	dbSizeInUse: Int64;
	isLearner: boolean;
}

interface AlarmMember {
	memberID: Int64;
	alarm: string;
}

export const maintenanceService = {
	async Status(c: Caller): Promise<StatusResponse> {
		const s = await c.store.status();
		return {
			header: c.header(s.revision),
			version: SERVER_VERSION,
			dbSize: int64(s.dbSize),
			leader: c.memberId,
			raftIndex: int64(s.revision),
			raftTerm: int64(RAFT_TERM),
			raftAppliedIndex: int64(s.revision),
			errors: s.alarms.map((a) => `memberID:${c.memberId} alarm:${a} `),
			dbSizeInUse: int64(s.dbSizeInUse),
			isLearner: false
		};
	},

	async Alarm(c: Caller, req: { action: string | number; memberID: Int64; alarm: string | number }): Promise<{ alarms: AlarmMember[] }> {
		const action = typeof req.action === 'number' ? ['GET', 'ACTIVATE', 'DEACTIVATE'][req.action] : req.action;
		const raised: AlarmMember[] = (await c.store.status()).alarms.map((a) => ({ memberID: c.memberId, alarm: a }));
		if (action === 'GET') return { alarms: raised };
		// Raising alarms is the server's business; clients may only clear them.
		requireWrite(c);
		if (action !== 'DEACTIVATE') throw Errors.permissionDenied();
		const alarm = typeof req.alarm === 'number' ? ['NONE', 'NOSPACE', 'CORRUPT'][req.alarm] : req.alarm;
		// Like etcd, an alarm is cleared only for the member named (etcdctl names it from a GET).
		const cleared = raised.filter((a) => a.alarm === alarm && a.memberID === req.memberID);
		if (cleared.length) await c.store.disarm();
		return { alarms: cleared };
	},

	async Defragment(c: Caller): Promise<Record<string, never>> {
		requireWrite(c);
		await c.store.defragment();
		return {};
	}
};
