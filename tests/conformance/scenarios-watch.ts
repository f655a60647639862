/**
 * Differential scenarios: Watch (the raw stream protocol: created, ids, event batches, filters,
 * cancel, progress, compaction) and Compact.
 *
 * A scenario writes only after the watch it observes has answered `created` and caught up, so
 * the grouping of events into responses does not depend on timing.
 */
import { CompareResult, CompareTarget, FilterType, type IWatchCreateRequest, type IWatchResponse } from 'etcd3';
import { b, type Scenario, type Target, type WatchProbe } from './differential-kit';
import { prefixEnd } from './scenarios-kv';

async function seed(t: Target, ops: Array<[string, string | null]>): Promise<void> {
	for (const [k, v] of ops) {
		if (v === null) await t.rec(`del ${k}`, () => t.client.kv.deleteRange({ key: t.k(k) }));
		else await t.rec(`put ${k}`, () => t.client.kv.put({ key: t.k(k), value: b(v) }));
	}
}

const created = (n: number) => (rs: Array<{ created: boolean }>) => rs.filter((r) => r.created).length >= n;

/** Opens a watch, waits for `created` and `events` catch-up events, records everything at the end. */
async function watchFrom(t: Target, create: IWatchCreateRequest, events = 0): Promise<WatchProbe> {
	const w = await t.watch();
	w.send({ create_request: create });
	await w.until((rs) => created(1)(rs) && w.events >= events);
	return w;
}

/** A history, then a watch over it from `start` (relative to the scenario's first revision). */
function history(name: string, ops: Array<[string, string | null]>, create: (t: Target) => IWatchCreateRequest, events: number): Scenario {
	return {
		name,
		async run(t) {
			await seed(t, ops);
			const w = await watchFrom(t, create(t), events);
			t.note('watch', w.responses);
		}
	};
}

const ops: Array<[string, string | null]> = [
	['x', '1'],
	['y', '1'],
	['x', '2'],
	['x', null],
	['y', '2']
];

export const watchScenarios: Scenario[] = [
	history('watch a key from a past revision, with prev_kv', ops, (t) => ({ key: t.k('x'), start_revision: t.rev0 + 1, prev_kv: true }), 3),
	history('watch a prefix from a past revision: one batch', ops, (t) => ({ key: t.k(''), range_end: prefixEnd(t.p), start_revision: t.rev0 + 1 }), 5),
	history('watch with the NOPUT filter', ops, (t) => ({ key: t.k(''), range_end: prefixEnd(t.p), start_revision: t.rev0 + 1, filters: [FilterType.Noput] }), 1),
	history('watch with the NODELETE filter and prev_kv', ops, (t) => ({ key: t.k(''), range_end: prefixEnd(t.p), start_revision: t.rev0 + 1, filters: [FilterType.Nodelete], prev_kv: true }), 4),
	history('watch every key (empty key, range_end "\\0") from a past revision', ops, (t) => ({ key: Buffer.alloc(0), range_end: b([0]), start_revision: t.rev0 + 2 }), 4),
	history('watch from range_end "\\0" on a key', ops, (t) => ({ key: t.k('y'), range_end: b([0]), start_revision: t.rev0 + 1 }), 2),
	history('watch with key ≥ range_end: refused', ops, (t) => ({ key: t.k('y'), range_end: t.k('x'), start_revision: t.rev0 + 1 }), 0),
	{
		name: 'live events on a prefix: one response per revision, prev_kv on updates and deletes',
		async run(t) {
			const w = await watchFrom(t, { key: t.k(''), range_end: prefixEnd(t.p), prev_kv: true });
			await seed(t, [['a', '1'], ['a', '2'], ['b', '1'], ['a', null]]);
			await w.until(() => w.events >= 4);
			t.note('watch', w.responses);
		}
	},
	{
		name: 'a txn’s events arrive in one response, in order',
		async run(t) {
			await seed(t, [['gone', '1']]);
			const w = await watchFrom(t, { key: t.k(''), range_end: prefixEnd(t.p) });
			await t.rec('txn', () =>
				t.client.kv.txn({
					success: [
						{ request_put: { key: t.k('b'), value: b('1') } },
						{ request_put: { key: t.k('a'), value: b('1') } },
						{ request_delete_range: { key: t.k('gone') } },
						{ request_txn: { success: [{ request_put: { key: t.k('c'), value: b('1') } }] } }
					]
				})
			);
			await w.until(() => w.events >= 4);
			t.note('watch', w.responses);
		}
	},
	{
		name: 'watch from a future revision sees only from that revision on',
		async run(t) {
			const w = await watchFrom(t, { key: t.k(''), range_end: prefixEnd(t.p), start_revision: t.rev0 + 3 });
			await seed(t, [['a', '1'], ['a', '2'], ['a', '3'], ['a', '4']]);
			await w.until(() => w.events >= 2);
			t.note('watch', w.responses);
		}
	},
	{
		name: 'two watchers on one stream get ids 0 and 1 and their own events',
		async run(t) {
			const w = await t.watch();
			w.send({ create_request: { key: t.k('a') } });
			w.send({ create_request: { key: t.k(''), range_end: prefixEnd(t.p) } });
			await w.until(created(2));
			await seed(t, [['a', '1'], ['b', '1']]);
			await w.until(() => w.events >= 3);
			// etcd notifies the watchers of one revision in no set order: compare by revision, then id.
			const rev = (r: IWatchResponse) => Number(r.header.revision);
			t.note('watch', [...w.responses].sort((x, y) => Number(y.created) - Number(x.created) || rev(x) - rev(y) || Number(x.watch_id) - Number(y.watch_id)));
		}
	},
	{
		name: 'requested watch ids: used as given; a duplicate is refused',
		async run(t) {
			const w = await t.watch();
			w.send({ create_request: { key: t.k('a'), watch_id: 7 } });
			w.send({ create_request: { key: t.k('b'), watch_id: 7 } });
			w.send({ create_request: { key: t.k('c') } });
			await w.until(created(3));
			await seed(t, [['a', '1']]);
			await w.until(() => w.events >= 1);
			t.note('watch', w.responses);
		}
	},
	{
		name: 'cancel: canceled response, no events after; unknown ids get no answer',
		async run(t) {
			const w = await watchFrom(t, { key: t.k('a') });
			w.send({ cancel_request: { watch_id: 0 } });
			w.send({ cancel_request: { watch_id: 42 } });
			await w.until((rs) => rs.some((r) => r.canceled));
			await seed(t, [['a', '1']]);
			// A second watcher proves the write was seen by the stream before the transcript ends.
			w.send({ create_request: { key: t.k('a'), start_revision: t.rev0 + 1 } });
			await w.until(() => w.events >= 1);
			t.note('watch', w.responses);
		}
	},
	{
		name: 'progress request: one response with watch id -1 at the current revision',
		async run(t) {
			await seed(t, [['a', '1']]);
			const w = await watchFrom(t, { key: t.k('a') });
			w.send({ progress_request: {} });
			await w.until((rs) => rs.length >= 2);
			t.note('watch', w.responses);
		}
	},
	// Compactions ask for `physical`: etcd otherwise drops compacted history in the background,
	// and a read racing it may still see some.
	{
		name: 'compaction boundaries: reads at the compact revision work, below it fail',
		async run(t) {
			await seed(t, [['x', '1'], ['x', '2'], ['x', '3']]);
			await t.rec('compact', () => t.client.kv.compact({ revision: t.rev0 + 2, physical: true }));
			const all = { key: t.k(''), range_end: prefixEnd(t.p) };
			await t.rec('at compact rev', () => t.client.kv.range({ ...all, revision: t.rev0 + 2 }));
			await t.rec('below', () => t.client.kv.range({ ...all, revision: t.rev0 + 1 }));
			await t.rec('current', () => t.client.kv.range(all));
			await t.rec('compact again', () => t.client.kv.compact({ revision: t.rev0 + 2 }));
			await t.rec('compact lower', () => t.client.kv.compact({ revision: t.rev0 + 1 }));
			await t.rec('compact future', () => t.client.kv.compact({ revision: t.rev0 + 9 }));
			await t.rec('txn range below', () => t.client.kv.txn({ success: [{ request_range: { ...all, revision: t.rev0 + 1 } }] }));
		}
	},
	{
		name: 'watch from a compacted revision: canceled with compact_revision',
		async run(t) {
			await seed(t, [['x', '1'], ['x', '2'], ['x', '3']]);
			await t.rec('compact', () => t.client.kv.compact({ revision: t.rev0 + 2, physical: true }));
			const w = await t.watch();
			w.send({ create_request: { key: t.k('x'), start_revision: t.rev0 + 1 } });
			await w.until((rs) => rs.some((r) => r.canceled));
			t.note('watch', w.responses);
		}
	},
	{
		name: 'watch from exactly the compact revision: its events and later ones',
		async run(t) {
			await seed(t, [['x', '1'], ['x', '2'], ['x', '3']]);
			await t.rec('compact', () => t.client.kv.compact({ revision: t.rev0 + 2, physical: true }));
			const w = await watchFrom(t, { key: t.k('x'), start_revision: t.rev0 + 2, prev_kv: true }, 2);
			t.note('watch', w.responses);
		}
	},
	{
		name: 'a compacted key history keeps the latest state and the right prev_kv',
		async run(t) {
			await seed(t, [['x', '1'], ['y', '1'], ['x', '2'], ['y', null], ['x', '3']]);
			await t.rec('compact', () => t.client.kv.compact({ revision: t.rev0 + 4, physical: true }));
			await t.rec('at compact rev', () => t.client.kv.range({ key: t.k(''), range_end: prefixEnd(t.p), revision: t.rev0 + 4 }));
			// y's deletion at the compact revision is compacted away: only x's last put remains.
			const w = await watchFrom(t, { key: t.k(''), range_end: prefixEnd(t.p), start_revision: t.rev0 + 4, prev_kv: true }, 1);
			t.note('watch', w.responses);
		}
	},
	{
		name: 'revision after a failed txn: unchanged, and the next write takes +1',
		async run(t) {
			await seed(t, [['x', '1']]);
			await t.rec('failed', () =>
				t.client.kv.txn({
					compare: [{ key: t.k('x'), target: CompareTarget.Value, result: CompareResult.Equal, value: b('no') }],
					success: [{ request_put: { key: t.k('x'), value: b('2') } }],
					failure: [{ request_range: { key: t.k('x') } }]
				})
			);
			await t.rec('next', () => t.client.kv.put({ key: t.k('y'), value: b('1') }));
		}
	}
];
