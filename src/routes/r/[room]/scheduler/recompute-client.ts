/**
 * The Scheduler view's "full breakdown" of a bounded record: reads what the scheduler read, as it
 * was at the record's store revision (list with `resourceVersionMatch=Exact` through the room's
 * kube API), runs the cycle again in the browser ($lib/scheduler/recompute) and checks the result
 * against the rows the record kept.
 *
 * @module
 */
import { inputsAt, recomputeDecision, recordedRowsMismatch, type RecordedDecision } from '$lib/scheduler/recompute';
import type { DecisionRecord } from './scheduler-model';

export interface Recomputed {
	record: DecisionRecord;
	/** Where it differs from the kept rows (empty: equal). */
	mismatches: string[];
}

export async function recomputeFromApi(roomId: string, token: string, rec: DecisionRecord): Promise<Recomputed> {
	const get = async (path: string) => {
		const res = await fetch(`/rooms/${encodeURIComponent(roomId)}/k8s${path}`, { headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
		const text = await res.text();
		// 410 Expired: the store compacted that revision away.
		if (!res.ok) throw new Error(`GET ${path.split('?')[0]}: ${res.status} ${(JSON.parse(text || '{}') as { message?: string }).message ?? ''}`);
		return JSON.parse(text) as { items?: unknown[] };
	};
	const asRecorded = rec as unknown as RecordedDecision;
	const full = recomputeDecision(asRecorded, await inputsAt(rec.revision ?? '', get));
	return { record: full as unknown as DecisionRecord, mismatches: recordedRowsMismatch(asRecorded, full) };
}
