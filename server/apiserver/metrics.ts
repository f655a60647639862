/**
 * Request metrics of a room's API server, by client, like apiserver_request_total and
 * apiserver_request_duration_seconds (but labelled with the caller, which the Control-plane view
 * draws as an edge): counters only, so a reader computes rates from two snapshots. The client is
 * named from the User-Agent the way kube-apiserver's audit log shows it
 * (`kube-controller-manager/<controller>`, `kubectl`, `kubelet`, a browser).
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClientCounters, ControlPlaneSnapshot } from '../../src/lib/controlplane/rates';

export type ApiMetricsSnapshot = ControlPlaneSnapshot['apiserver'];

/** The caller's name from its User-Agent. */
export function clientName(userAgent: string | undefined): string {
	const ua = userAgent ?? '';
	if (!ua) return 'unknown';
	if (/^Mozilla\//.test(ua)) return 'browser';
	const m = /^([^/\s]+)(?:\/([^\s(]+))?/.exec(ua);
	if (!m) return 'unknown';
	// kube-controller-manager's controllers end their User-Agent with their service account.
	if (m[1] === 'kube-controller-manager') {
		const sa = /system:serviceaccount:[^:\s]+:(\S+)$/.exec(ua);
		if (sa) return `kube-controller-manager/${sa[1]}`;
		if (m[2] && !/^v\d/.test(m[2])) return `kube-controller-manager/${m[2]}`;
	}
	return m[1];
}

export class ApiMetrics {
	private clients = new Map<string, ClientCounters>();
	private inflight = 0;

	/** Counts a request now; the returned function records its end. */
	start(client: string, verb: string): (status: number) => void {
		let c = this.clients.get(client);
		if (!c) this.clients.set(client, (c = { requests: 0, errors: 0, latencyMs: 0, finished: 0, verbs: {}, watches: 0 }));
		const counters = c;
		counters.requests++;
		counters.verbs[verb] = (counters.verbs[verb] ?? 0) + 1;
		const watch = verb === 'watch';
		// Like kube-apiserver's apiserver_current_inflight_requests: long-running requests (watches) are not in flight.
		if (watch) counters.watches++;
		else this.inflight++;
		const t0 = performance.now();
		let ended = false;
		return (status) => {
			if (ended) return;
			ended = true;
			if (!watch) this.inflight--;
			if (status >= 400) counters.errors++;
			if (watch) counters.watches--;
			else {
				counters.finished++;
				counters.latencyMs += performance.now() - t0;
			}
		};
	}

	/** Records one request on `res` (ends with the response, a watch when its stream closes). */
	track(req: IncomingMessage, res: ServerResponse, verb: string): void {
		const end = this.start(clientName(req.headers['user-agent']), verb);
		res.on('close', () => end(res.statusCode)); // `end` counts once: no once-wrapper per request
	}

	snapshot(): ApiMetricsSnapshot {
		const clients: Record<string, ClientCounters> = {};
		for (const [k, v] of this.clients) clients[k] = { ...v, verbs: { ...v.verbs } };
		return { clients, inflight: this.inflight };
	}
}

const perRoom = new WeakMap<object, ApiMetrics>();

/** The metrics of a room (one per loaded room object). */
export function apiMetrics(room: object): ApiMetrics {
	let m = perRoom.get(room);
	if (!m) perRoom.set(room, (m = new ApiMetrics()));
	return m;
}
