/**
 * Decision records through the API: installs the SchedulingDecision CRD at startup (like an
 * operator installs its own) and writes one record per pod, the latest attempt winning.
 *
 * Records are kept in memory as the scheduler makes them and persisted in the background at a
 * bounded rate (a token bucket on host time, like a client's QPS limit), failures first: a real
 * cluster makes no such writes, and at 10,000 pods one create per pod (and the garbage
 * collector's delete of it) cost as much as a pod's own status writes. A small room sees its
 * records at once (the burst); a big one sees them trickle in, Unschedulable ones first. A pod
 * deleted before its record was written never gets one written (nothing is left to explain).
 * Writes are coalesced per pod (only the newest record of a pod goes out) and bounded in flight.
 *
 * @module
 */
import { isAlreadyExists, isConflict, isNotFound, type KubeClient, type KubeObject } from '../../src/lib/controllers/types';
import { SCHEDULING_DECISION_CRD } from '../../src/lib/scheduler/decision-record';
import { R } from './resources';

/** Tunables (exported so tests and benchmarks can change them). */
export const DECISIONS = {
	/** Record writes in flight at once. */
	inflight: 8,
	/** Records persisted per host second once the burst is spent (Infinity: no limit), and the burst. */
	qps: 20,
	burst: 200,
	/** How long to wait for the CRD to be Established (host ms), polling every `pollMs`. */
	establishMs: 15_000,
	pollMs: 100
};

const established = (crd: KubeObject) => (crd.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Established' && c.status === 'True');

export class DecisionWriter {
	/** Waiting records, failed attempts (what a learner looks for) ahead of scheduled ones. */
	private readonly pending = { failed: new Map<string, KubeObject>(), scheduled: new Map<string, KubeObject>() };
	private tokens = DECISIONS.burst;
	private refilledAt = performance.now();
	private refill: ReturnType<typeof setTimeout> | undefined;
	private readonly inflight = new Set<string>();
	/** `ns/name` → the record's resourceVersion from our last write. */
	private readonly versions = new Map<string, string>();
	/** `ns/name` → what the pod's last failed attempt recorded said (result, message, configuration). */
	private readonly outcomes = new Map<string, string>();
	private ready = false;
	private stopped = false;
	/** Records written (for the benchmark and tests). */
	written = 0;

	constructor(
		private readonly client: KubeClient,
		private readonly log: (m: string) => void
	) {}

	/** Creates the CRD (or brings an older one's spec up to date) and waits for it to be served; then pending records flow. */
	async install(): Promise<void> {
		try {
			await this.client.create(R.crds, structuredClone(SCHEDULING_DECISION_CRD));
		} catch (e) {
			if (!isAlreadyExists(e)) throw e;
			// A room saved by an older scheduler keeps its CRD: printer columns changed since (Age is the decision's time).
			const cur = await this.client.get(R.crds, undefined, SCHEDULING_DECISION_CRD.metadata.name);
			if (JSON.stringify(cur.spec?.versions?.map((v: { additionalPrinterColumns?: unknown }) => v.additionalPrinterColumns)) !== JSON.stringify(SCHEDULING_DECISION_CRD.spec.versions.map((v) => v.additionalPrinterColumns)))
				await this.client.update(R.crds, { ...cur, spec: { ...cur.spec, versions: structuredClone(SCHEDULING_DECISION_CRD.spec.versions) } });
		}
		const deadline = Date.now() + DECISIONS.establishMs;
		while (!this.stopped) {
			const crd = await this.client.get(R.crds, undefined, SCHEDULING_DECISION_CRD.metadata.name).catch(() => undefined);
			if (crd && established(crd)) break;
			if (Date.now() > deadline) throw new Error(`${SCHEDULING_DECISION_CRD.metadata.name} not established after ${DECISIONS.establishMs} ms`);
			await new Promise((r) => setTimeout(r, DECISIONS.pollMs));
		}
		this.ready = true;
		this.pump();
	}

	write(record: KubeObject): void {
		if (this.stopped) return;
		const key = `${record.metadata.namespace}/${record.metadata.name}`;
		const failed = record.result !== 'Scheduled';
		this.pending[failed ? 'scheduled' : 'failed'].delete(key);
		this.pending[failed ? 'failed' : 'scheduled'].set(key, record);
		this.pump();
	}

	/**
	 * Whether a failed attempt says what the pod's last record already says, so a retry failing
	 * the same way (every 10 s while a room has no nodes) is not rewritten, as updatePod skips an
	 * unchanged PodScheduled condition; the record keeps the first attempt of that outcome.
	 * `outcome` undefined (the pod was scheduled) always records.
	 */
	repeats(namespace: string, name: string, outcome: string | undefined): boolean {
		const key = `${namespace}/${name}`;
		if (outcome === undefined) return void this.outcomes.delete(key), false;
		if (this.outcomes.get(key) === outcome) return true;
		this.outcomes.set(key, outcome);
		return false;
	}

	/** The pod is gone: nothing more to write for it (its record goes with it by owner reference). */
	forget(namespace: string, name: string): void {
		const key = `${namespace}/${name}`;
		this.outcomes.delete(key);
		this.pending.failed.delete(key);
		this.pending.scheduled.delete(key);
		this.versions.delete(key);
	}

	stop(): void {
		this.stopped = true;
		this.pending.failed.clear();
		this.pending.scheduled.clear();
		this.outcomes.clear();
		if (this.refill) clearTimeout(this.refill);
		this.refill = undefined;
	}

	/** Records waiting or in flight. */
	get backlog(): number {
		return this.pending.failed.size + this.pending.scheduled.size + this.inflight.size;
	}

	/** Takes a token if one is there; else arms one wake-up for when the next one is. */
	private take(): boolean {
		if (DECISIONS.qps === Infinity) return true;
		const now = performance.now();
		this.tokens = Math.min(DECISIONS.burst, this.tokens + ((now - this.refilledAt) * DECISIONS.qps) / 1000);
		this.refilledAt = now;
		if (this.tokens >= 1) {
			this.tokens--;
			return true;
		}
		this.refill ??= setTimeout(() => {
			this.refill = undefined;
			this.pump();
		}, Math.ceil(((1 - this.tokens) * 1000) / DECISIONS.qps));
		this.refill.unref?.();
		return false;
	}

	private pump(): void {
		if (!this.ready || this.stopped) return;
		for (const queue of [this.pending.failed, this.pending.scheduled])
			for (const [key, rec] of queue) {
				if (this.inflight.size >= DECISIONS.inflight) return;
				if (this.inflight.has(key)) continue;
				if (!this.take()) return;
				queue.delete(key);
				this.inflight.add(key);
				void this.send(key, rec)
					.catch((e: Error) => this.log(`kube-scheduler: decision record ${key} not written: ${e.message}`))
					.finally(() => {
						this.inflight.delete(key);
						this.pump();
					});
			}
	}

	/** Create, or update over the version we last wrote; a stale or unknown version is re-read once. */
	private async send(key: string, rec: KubeObject): Promise<void> {
		const rv = this.versions.get(key);
		let out: KubeObject;
		try {
			out = rv ? await this.client.update(R.decisions, withVersion(rec, rv)) : await this.client.create(R.decisions, rec);
		} catch (e) {
			if (!(isAlreadyExists(e) || isConflict(e) || (rv && isNotFound(e)))) throw e;
			const cur = await this.client.get(R.decisions, rec.metadata.namespace, rec.metadata.name!).catch((err) => (isNotFound(err) ? undefined : Promise.reject(err)));
			out = cur ? await this.client.update(R.decisions, withVersion(rec, cur.metadata.resourceVersion!)) : await this.client.create(R.decisions, rec);
		}
		this.written++;
		if (out.metadata.resourceVersion) this.versions.set(key, out.metadata.resourceVersion);
	}
}

function withVersion(rec: KubeObject, resourceVersion: string): KubeObject {
	return { ...rec, metadata: { ...rec.metadata, resourceVersion } };
}
