/**
 * Objects over a room's store (the `Backend`), the way kube-apiserver's etcd3 storage keeps
 * them: JSON values under `/registry/...` keys, `metadata.resourceVersion` never stored but set
 * from the key's mod_revision on every read, and every write a txn guarded by a compare on
 * mod_revision (or on absence for creates), so concurrent writers conflict instead of losing
 * updates.
 *
 * @module
 */
import type { Backend } from '../../src/lib/store/backend';
import { fromUtf8, prefixEnd, utf8 } from '../../src/lib/store/bytes';
import type { Compare, KeyValue } from '../../src/lib/store/types';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Stored {
	key: string;
	object: Obj;
	modRevision: number;
}

/** The stored form: the object without its resourceVersion. */
export function encode(obj: Obj): string {
	const meta = obj.metadata;
	if (!meta || meta.resourceVersion === undefined) return JSON.stringify(obj);
	const { resourceVersion: _rv, ...rest } = meta;
	return JSON.stringify({ ...obj, metadata: rest });
}

/** A stored key-value as an object with its resourceVersion. */
export function decode(kv: KeyValue): Stored {
	const object = JSON.parse(fromUtf8(kv.value)) as Obj;
	// Freshly parsed, so metadata can be set in place.
	if (object.metadata && typeof object.metadata === 'object') object.metadata.resourceVersion = String(kv.modRevision);
	else object.metadata = { resourceVersion: String(kv.modRevision) };
	return { key: fromUtf8(kv.key), object, modRevision: kv.modRevision };
}

export interface Page {
	items: Stored[];
	/** The revision the page was read at. */
	revision: number;
	/** Keys in the range beyond the ones read. */
	more: boolean;
	/** Keys in [from, end) at that revision. */
	count: number;
}

export class ObjectStorage {
	constructor(readonly backend: Backend) {}

	async get(key: string): Promise<Stored | undefined> {
		const r = await this.backend.range({ key: utf8(key) });
		return r.kvs.length ? decode(r.kvs[0]) : undefined;
	}

	/** The current revision of the store. */
	async revision(): Promise<number> {
		return (await this.backend.range({ key: utf8('/registry/'), countOnly: true, limit: 1 })).header.revision;
	}

	/** Up to `limit` objects (0 = all) with keys in [from, prefixEnd(prefix)) at `revision` (0 = now). */
	async page(prefix: string, from: string, revision: number, limit: number): Promise<Page> {
		const r = await this.backend.range({ key: utf8(from), rangeEnd: prefixEnd(utf8(prefix)), revision, limit });
		return { items: r.kvs.map(decode), revision: revision || r.header.revision, more: r.more, count: r.count };
	}

	/** Number of keys below a prefix. */
	async count(prefix: string): Promise<number> {
		return (await this.backend.range({ key: utf8(prefix), rangeEnd: prefixEnd(utf8(prefix)), countOnly: true })).count;
	}

	/**
	 * Creates `key` if absent (and, when given, only while `mustExist` exists: the namespace).
	 * Returns the revision, or which condition failed.
	 */
	async create(key: string, obj: Obj, mustExist?: string): Promise<{ revision: number } | { failed: 'exists' | 'missing' }> {
		const k = utf8(key);
		const compare: Compare[] = [{ key: k, target: 'CREATE', result: 'EQUAL', createRevision: 0 }];
		if (mustExist) compare.push({ key: utf8(mustExist), target: 'CREATE', result: 'GREATER', createRevision: 0 });
		const r = await this.backend.txn({
			compare,
			success: [{ requestPut: { key: k, value: utf8(encode(obj)) } }],
			failure: [{ requestRange: { key: k, countOnly: true } }]
		});
		if (r.succeeded) return { revision: r.header.revision };
		const res = r.responses[0];
		const exists = 'responseRange' in res && res.responseRange.count > 0;
		return { failed: exists ? 'exists' : 'missing' };
	}

	/** Replaces `key` if its mod_revision is still `expected`; undefined when it changed (or vanished). */
	async update(key: string, obj: Obj, expected: number): Promise<number | undefined> {
		const k = utf8(key);
		const r = await this.backend.txn({
			compare: [{ key: k, target: 'MOD', result: 'EQUAL', modRevision: expected }],
			success: [{ requestPut: { key: k, value: utf8(encode(obj)) } }],
			failure: []
		});
		return r.succeeded ? r.header.revision : undefined;
	}

	/** Deletes `key` if its mod_revision is still `expected`; the deletion's revision, or undefined. */
	async delete(key: string, expected: number): Promise<number | undefined> {
		const k = utf8(key);
		const r = await this.backend.txn({
			compare: [{ key: k, target: 'MOD', result: 'EQUAL', modRevision: expected }],
			success: [{ requestDeleteRange: { key: k } }],
			failure: []
		});
		return r.succeeded ? r.header.revision : undefined;
	}
}
