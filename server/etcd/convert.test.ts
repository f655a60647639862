import { describe, expect, it } from 'vitest';
import type { KeyValue, TxnResponse } from '../../src/lib/store/types';
import { rangeIn, txnOut } from './convert';

const kv = (key: string): KeyValue => ({ key: Buffer.from(key), createRevision: 5, modRevision: 5, version: 1, value: Buffer.from('v'), lease: 0 });

describe('txnOut', () => {
	it('gives inner responses a revision-only header, and nested txns an empty one', () => {
		const res: TxnResponse = {
			header: { revision: 5 },
			succeeded: true,
			responses: [
				{ responseDeleteRange: { header: { revision: 4 }, deleted: 0, prevKvs: [] } },
				{ responsePut: { header: { revision: 5 }, prevKv: kv('a') } },
				{ responseRange: { header: { revision: 5 }, kvs: [kv('a')], more: false, count: 1 } },
				{ responseTxn: { header: { revision: 0 }, succeeded: false, responses: [{ responseDeleteRange: { header: { revision: 5 }, deleted: 1, prevKvs: [] } }] } }
			]
		};
		const out = txnOut(res, { revision: '5', raft_term: '2' });
		expect(out.header).toEqual({ revision: '5', raft_term: '2' });
		expect(out.responses.map((r) => Object.values(r)[0]!.header)).toEqual([{ revision: 4 }, { revision: 5 }, { revision: 5 }, {}]);
		expect(Buffer.from(out.responses[1].response_put!.prev_kv!.key).toString()).toBe('a');
		expect(out.responses[3].response_txn!.responses[0].response_delete_range).toMatchObject({ header: { revision: 5 }, deleted: 1 });
	});
});

describe('rangeIn', () => {
	it('an empty range_end means one key; enums by name or number; unknown enums do not sort', () => {
		const base = { key: Buffer.from('a'), limit: '0', revision: '0', serializable: false, keys_only: false, count_only: false };
		const rev = { min_mod_revision: '0', max_mod_revision: '0', min_create_revision: '0', max_create_revision: '0' };
		expect(rangeIn({ ...base, ...rev, range_end: Buffer.alloc(0), sort_order: 'DESCEND', sort_target: 4 })).toMatchObject({ rangeEnd: undefined, sortOrder: 'DESCEND', sortTarget: 'VALUE' });
		expect(rangeIn({ ...base, ...rev, range_end: Buffer.from([0]), sort_order: 9, sort_target: 'KEY' })).toMatchObject({ rangeEnd: new Uint8Array([0]), sortOrder: 'NONE' });
	});
});
