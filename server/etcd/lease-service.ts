/**
 * etcdserverpb.Lease: LeaseGrant, LeaseRevoke, LeaseTimeToLive, LeaseLeases, and the
 * LeaseKeepAlive stream.
 *
 * Like etcd: a keep-alive for an unknown lease answers TTL 0 rather than failing the stream,
 * and TimeToLive of an unknown lease answers TTL -1. Granting, revoking and keeping alive change
 * the room, so a viewer gets permission denied (etcd 3.4 does not check keep-alives; converge's
 * viewer token is read-only throughout).
 *
 * @module
 */
import { GrpcCode, StoreError } from '../../src/lib/store/errors';
import { requireWrite } from './auth';
import type { Caller } from './context';
import { bytesOut, int64, num, type Int64, type PbHeader } from './convert';
import type { ResponseSink, StreamSession } from './stream';

export interface LeaseGrantResponse {
	header: PbHeader;
	ID: Int64;
	TTL: Int64;
	error?: string;
}

export interface LeaseKeepAliveResponse {
	header: PbHeader;
	ID: Int64;
	TTL: Int64;
}

export interface LeaseTimeToLiveResponse {
	header: PbHeader;
	ID: Int64;
	TTL: Int64;
	grantedTTL: Int64;
	keys: Buffer[];
}

export const leaseService = {
	async LeaseGrant(c: Caller, req: { TTL: Int64; ID: Int64 }): Promise<LeaseGrantResponse> {
		requireWrite(c);
		const r = await c.store.leaseGrant(num(req.TTL), num(req.ID));
		return { header: c.header(r.revision), ID: int64(r.id), TTL: int64(r.ttl) };
	},

	async LeaseRevoke(c: Caller, req: { ID: Int64 }): Promise<{ header: PbHeader }> {
		requireWrite(c);
		const r = await c.store.leaseRevoke(num(req.ID));
		return { header: c.header(r.revision) };
	},

	async LeaseTimeToLive(c: Caller, req: { ID: Int64; keys: boolean }): Promise<LeaseTimeToLiveResponse> {
		const r = await c.store.leaseTimeToLive(num(req.ID), req.keys);
		return { header: c.header(r.revision), ID: req.ID, TTL: int64(r.ttl), grantedTTL: int64(r.grantedTtl), keys: r.keys.map(bytesOut) };
	},

	async LeaseLeases(c: Caller): Promise<{ header: PbHeader; leases: Array<{ ID: Int64 }> }> {
		const r = await c.store.leaseLeases();
		return { header: c.header(r.revision), leases: r.ids.map((id) => ({ ID: int64(id) })) };
	}
};

/** One LeaseKeepAlive stream: each request renews its lease and is answered in order. */
export class KeepAliveSession implements StreamSession<{ ID: Int64 }> {
	private readonly release: () => void;
	private queue: Promise<void> = Promise.resolve();
	private closed = false;

	constructor(
		private readonly caller: Caller,
		private readonly sink: ResponseSink<LeaseKeepAliveResponse>
	) {
		this.release = caller.room.hold();
	}

	receive(req: { ID: Int64 }): void {
		this.queue = this.queue.then(async () => {
			if (this.closed) return;
			try {
				const res = await this.renew(req.ID);
				if (!this.closed) this.sink.send(res);
			} catch (e) {
				if (this.closed) return;
				this.sink.fail(e);
				this.close();
			}
		});
	}

	private async renew(id: Int64): Promise<LeaseKeepAliveResponse> {
		const c = this.caller;
		requireWrite(c);
		try {
			const r = await c.store.leaseKeepAlive(num(id));
			return { header: c.header(r.revision), ID: id, TTL: int64(r.ttl) };
		} catch (e) {
			if (!(e instanceof StoreError && e.code === GrpcCode.NotFound)) throw e;
			return { header: c.header(await c.revision()), ID: id, TTL: '0' };
		}
	}

	finish(): void {
		// etcd ends the stream when the client has sent its last request (after answering it).
		this.queue = this.queue.then(() => {
			if (this.closed) return;
			this.sink.end();
			this.close();
		});
	}

	close(): void {
		if (this.closed) return;
		this.closed = true;
		this.release();
	}
}

/** A keep-alive stream whose token was refused ends at once with the auth error. */
export function refusedKeepAliveSession(error: unknown, sink: ResponseSink<LeaseKeepAliveResponse>): StreamSession<{ ID: Int64 }> {
	sink.fail(error);
	return { receive() {}, finish() {}, close() {} };
}
