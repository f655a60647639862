/**
 * etcd's applier Range over the live key-values at the read revision: filters, then sort, then
 * limit (with `more`); `count` is the number of keys in the range before filters and limit.
 * Shared by the model and the WASM engine's host (which uses it only when a sort is asked for).
 *
 * Sorting is stable. etcd uses Go's sort.Sort, which is not: for more than 12 key-values with
 * equal sort values its order may differ (12 or fewer are insertion-sorted, hence stable).
 *
 * @module
 */
import { compareBytes } from './bytes';
import type { KeyValue, RangeRequest, RangeResponse, SortOrder } from './types';

/** The effective sort order: a target other than KEY with order NONE means ASCEND. */
export function sortOrderOf(req: RangeRequest): SortOrder {
	const order = req.sortOrder ?? 'NONE';
	return (req.sortTarget ?? 'KEY') !== 'KEY' && order === 'NONE' ? 'ASCEND' : order;
}

/** Whether the request needs a sort beyond the key order the index already gives. */
export function needsSort(req: RangeRequest): boolean {
	const order = sortOrderOf(req);
	return order === 'DESCEND' || (order === 'ASCEND' && (req.sortTarget ?? 'KEY') !== 'KEY');
}

export function rangeAt(all: KeyValue[], req: RangeRequest, headerRev: number): RangeResponse {
	const count = all.length;
	if (req.countOnly) return { header: { revision: headerRev }, kvs: [], more: false, count };
	let kvs = all.filter(
		(kv) =>
			!(req.maxModRevision && kv.modRevision > req.maxModRevision) &&
			!(req.minModRevision && kv.modRevision < req.minModRevision) &&
			!(req.maxCreateRevision && kv.createRevision > req.maxCreateRevision) &&
			!(req.minCreateRevision && kv.createRevision < req.minCreateRevision)
	);
	const limit = req.limit ?? 0;
	// etcd fetches only limit + 1 keys (in key order) when the *requested* order is NONE and no
	// filter is set, and sorts just those: with a non-KEY target and order NONE, `limit` picks
	// keys by key order first, then sorts them (apply.go Range).
	const filtered = !!(req.maxModRevision || req.minModRevision || req.maxCreateRevision || req.minCreateRevision);
	if ((req.sortOrder ?? 'NONE') === 'NONE' && !filtered && limit > 0) kvs = kvs.slice(0, limit + 1);
	const order = sortOrderOf(req);
	const target = req.sortTarget ?? 'KEY';
	if (order !== 'NONE') {
		const key = (kv: KeyValue): number | Uint8Array =>
			target === 'KEY' ? kv.key : target === 'VALUE' ? kv.value : target === 'VERSION' ? kv.version : target === 'CREATE' ? kv.createRevision : kv.modRevision;
		const cmp = (a: KeyValue, b: KeyValue) => {
			const x = key(a);
			const y = key(b);
			return typeof x === 'number' ? x - (y as number) : compareBytes(x, y as Uint8Array);
		};
		kvs = [...kvs].sort((a, b) => (order === 'DESCEND' ? cmp(b, a) : cmp(a, b)));
	}
	const more = limit > 0 && kvs.length > limit;
	if (more) kvs = kvs.slice(0, limit);
	if (req.keysOnly) kvs = kvs.map((kv) => ({ ...kv, value: new Uint8Array(0) }));
	return { header: { revision: headerRev }, kvs, more, count };
}
