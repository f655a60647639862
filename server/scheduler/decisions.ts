/**
 * Decision records through the API: installs the SchedulingDecision CRD at startup (like an
 * operator installs its own) and writes one record per pod, the latest attempt winning. Writes
 * are coalesced per pod (a pod retried while its record is in flight gets only its newest record
 * written) and bounded in number in flight, so records never hold up bindings.
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
	/** How long to wait for the CRD to be Established (host ms), polling every `pollMs`. */
	establishMs: 15_000,
	pollMs: 100
};

const established = (crd: KubeObject) => (crd.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Established' && c.status === 'True');

export class DecisionWriter {
	private readonly pending = new Map<string, KubeObject>();
	private readonly inflight = new Set<string>();
	/** `ns/name` → the record's resourceVersion from our last write. */
	private readonly versions = new Map<string, string>();
	private ready = false;
	private stopped = false;
	/** Records written (for the benchmark and tests). */
	written = 0;

	constructor(
		private readonly client: KubeClient,
		private readonly log: (m: string) => void
	) {}

	/** Creates the CRD unless present and waits for it to be served; then pending records flow. */
	async install(): Promise<void> {
		try {
			await this.client.create(R.crds, structuredClone(SCHEDULING_DECISION_CRD));
		} catch (e) {
			if (!isAlreadyExists(e)) throw e;
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
		this.pending.set(`${record.metadata.namespace}/${record.metadata.name}`, record);
		this.pump();
	}

	/** The pod is gone: nothing more to write for it (its record goes with it by owner reference). */
	forget(namespace: string, name: string): void {
		const key = `${namespace}/${name}`;
		this.pending.delete(key);
		this.versions.delete(key);
	}

	stop(): void {
		this.stopped = true;
		this.pending.clear();
	}

	/** Records waiting or in flight. */
	get backlog(): number {
		return this.pending.size + this.inflight.size;
	}

	private pump(): void {
		if (!this.ready) return;
		for (const [key, rec] of this.pending) {
			if (this.inflight.size >= DECISIONS.inflight) return;
			if (this.inflight.has(key)) continue;
			this.pending.delete(key);
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
