/**
 * The rooms API of failure injection (server/faults/api.ts) as the browser calls it: the fault
 * menu and a node's one-click Fail/Recover send the same requests through here.
 *
 * @module
 */
import type { ActiveFault, FaultSpec, FaultsEvent } from '$lib/faults';

/** The body of `POST /api/rooms/<id>/faults`: a FaultSpec with durations as a FaultSchedule file writes them (`60s`). */
export type FaultRequest = Omit<FaultSpec, 'recoverAfterMs' | 'crashAfterSeconds'> & { recoverAfter?: string; crashAfter?: string };

/** What `GET /api/rooms/<id>/faults` answers (the `faults` room event without its type). */
export type FaultsView = Omit<FaultsEvent, 'type'>;

export interface FaultsClient {
	view(): Promise<FaultsView>;
	inject(request: FaultRequest): Promise<ActiveFault>;
	recover(id: string): Promise<ActiveFault>;
}

/** Calls with the page's room token; a refusal throws the Status message (`only the facilitator and editors can …`). */
export function faultsClient(roomId: string, token: string, fetchFn: typeof fetch = (...a) => fetch(...a)): FaultsClient {
	const call = async <T>(method: string, path = '', body?: unknown): Promise<T> => {
		const res = await fetchFn(`/api/rooms/${roomId}/faults${path}`, {
			method,
			headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
			...(body ? { body: JSON.stringify(body) } : {})
		});
		const out = await res.json().catch(() => ({}));
		if (!res.ok) throw new Error(out.message ?? res.statusText);
		return out as T;
	};
	return {
		view: () => call('GET'),
		inject: (request) => call('POST', '', request),
		recover: (id) => call('POST', `/${encodeURIComponent(id)}/recover`)
	};
}

/** The NodeFailure in force on `node` (the one a Recover button ends), if any. */
export function nodeFailureOf(active: readonly ActiveFault[], node: string): ActiveFault | undefined {
	return active.find((f) => f.fault === 'NodeFailure' && f.node === node);
}
