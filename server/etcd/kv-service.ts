/**
 * etcdserverpb.KV: Range, Put, DeleteRange, Txn, Compact over the caller's room store.
 *
 * Validation and semantics are the store's; this layer checks the role (a viewer may only read),
 * the request size of writes (etcd refuses them before they reach raft) and shapes responses.
 *
 * @module
 */
import { Errors } from '../../src/lib/store/errors';
import { requireWrite } from './auth';
import type { Caller, EtcdContext } from './context';
import {
	deleteIn,
	int64,
	kvOut,
	num,
	putIn,
	rangeIn,
	rangeOut,
	txnIn,
	txnOut,
	txnWrites,
	type Int64,
	type PbDeleteRangeRequest,
	type PbHeader,
	type PbKeyValue,
	type PbPutRequest,
	type PbRangeRequest,
	type PbRangeResponse,
	type PbTxnRequest,
	type PbTxnResponse
} from './convert';
import { requestBytes } from './protos';

export interface KvService {
	Range(c: Caller, req: PbRangeRequest): Promise<PbRangeResponse>;
	Put(c: Caller, req: PbPutRequest): Promise<{ header: PbHeader; prev_kv?: PbKeyValue }>;
	DeleteRange(c: Caller, req: PbDeleteRangeRequest): Promise<{ header: PbHeader; deleted: Int64; prev_kvs: PbKeyValue[] }>;
	Txn(c: Caller, req: PbTxnRequest): Promise<PbTxnResponse>;
	Compact(c: Caller, req: { revision: string; physical: boolean }): Promise<{ header: PbHeader }>;
}

export function kvService(ctx: EtcdContext): KvService {
	const checkSize = (req: object) => {
		if (requestBytes(req) > ctx.options.maxRequestBytes) throw Errors.requestTooLarge();
	};
	return {
		async Range(c, req) {
			const res = await c.store.range(rangeIn(req));
			return rangeOut(res, c.header(res.header.revision));
		},

		async Put(c, req) {
			requireWrite(c);
			checkSize(req);
			const res = await c.store.put(putIn(req));
			return res.prevKv ? { header: c.header(res.header.revision), prev_kv: kvOut(res.prevKv) } : { header: c.header(res.header.revision) };
		},

		async DeleteRange(c, req) {
			requireWrite(c);
			checkSize(req);
			const res = await c.store.deleteRange(deleteIn(req));
			return { header: c.header(res.header.revision), deleted: int64(res.deleted), prev_kvs: res.prevKvs.map(kvOut) };
		},

		async Txn(c, req) {
			// Read-only txns are served locally in etcd, without the size check of raft proposals.
			if (txnWrites(req)) {
				requireWrite(c);
				checkSize(req);
			}
			const res = await c.store.txn(txnIn(req));
			return txnOut(res, c.header(res.header.revision));
		},

		async Compact(c, req) {
			requireWrite(c);
			const res = await c.store.compact({ revision: num(req.revision), physical: req.physical });
			return { header: c.header(res.header.revision) };
		}
	};
}
