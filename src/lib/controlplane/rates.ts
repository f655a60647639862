/**
 * The Control-plane view's numbers: a snapshot of counters from the server
 * (`GET /api/rooms/<id>/controlplane`) and the rates between two of them, per API client
 * (requests/s, errors/s, mean latency, open watches) and per controller (reconciles/s).
 *
 * @module
 */

export interface ClientCounters {
	requests: number;
	errors: number;
	latencyMs: number;
	finished: number;
	verbs: Record<string, number>;
	watches: number;
}

export interface ControllerCounters {
	name: string;
	queue: number;
	syncs: number;
	failures: number;
}

export interface ControlPlaneSnapshot {
	/** Server wall time (ms) when read. */
	wall: number;
	/** The room's simulated time (ms). */
	simulated: number;
	store: { revision: number; dbSize: number };
	apiserver: { clients: Record<string, ClientCounters>; inflight: number };
	controllers: ControllerCounters[];
	scheduler?: { bound: number; active: number; backoff: number; unschedulable: number; syncs: number };
	kubelets?: { nodes: number; queue: number; syncs: number };
}

export interface ClientRate {
	client: string;
	/** Requests per wall second. */
	rps: number;
	eps: number;
	/** Mean latency of the requests finished in the interval (ms), or of all so far if none. */
	latencyMs: number;
	watches: number;
	total: number;
}

export interface Rates {
	seconds: number;
	/** Store writes (revisions) per second. */
	writesPerSec: number;
	/** Simulated seconds per wall second. */
	clockSpeed: number;
	clients: ClientRate[];
	controllers: Array<ControllerCounters & { syncsPerSec: number }>;
	schedulerBindsPerSec: number;
}

const perSec = (d: number, s: number) => (s > 0 ? Math.max(0, d) / s : 0);

/** Rates between `prev` and `next` (with no `prev`, zero rates and cumulative latencies). */
export function rates(prev: ControlPlaneSnapshot | undefined, next: ControlPlaneSnapshot): Rates {
	const s = prev ? (next.wall - prev.wall) / 1000 : 0;
	const clients = Object.entries(next.apiserver.clients)
		.map(([client, c]) => {
			const p = prev?.apiserver.clients[client];
			const finished = c.finished - (p?.finished ?? 0);
			const latency = finished > 0 ? (c.latencyMs - (p?.latencyMs ?? 0)) / finished : c.finished > 0 ? c.latencyMs / c.finished : 0;
			return { client, rps: perSec(c.requests - (p?.requests ?? c.requests), s), eps: perSec(c.errors - (p?.errors ?? c.errors), s), latencyMs: latency, watches: c.watches, total: c.requests };
		})
		.sort((a, b) => b.rps - a.rps || b.total - a.total || (a.client < b.client ? -1 : 1));
	const controllers = next.controllers.map((c) => {
		const p = prev?.controllers.find((x) => x.name === c.name);
		return { ...c, syncsPerSec: perSec(c.syncs - (p?.syncs ?? c.syncs), s) };
	});
	return {
		seconds: s,
		writesPerSec: perSec(next.store.revision - (prev?.store.revision ?? next.store.revision), s),
		clockSpeed: prev && s > 0 ? (next.simulated - prev.simulated) / 1000 / s : 0,
		clients,
		controllers,
		schedulerBindsPerSec: perSec((next.scheduler?.bound ?? 0) - (prev?.scheduler?.bound ?? next.scheduler?.bound ?? 0), s)
	};
}
