/**
 * The differential kit: a scenario talks to one side through the `etcd3` client (its raw KV,
 * Lease and Watch clients, so requests and responses are etcd's messages, not the builder's
 * digest) and writes a transcript; the same scenario runs on etcd and on converge at once, and
 * the two transcripts must be equal.
 *
 * Transcripts are normalized so that only etcd semantics remain: header cluster/member ids and
 * raft_term are dropped, revisions are written relative to the scenario's starting revision (so a
 * failure in one scenario does not cascade into the next), lease ids become L1, L2… by first
 * appearance, bytes become strings, errors become `{ error: <class>, message }`.
 *
 * @module
 */
import { Etcd3, type IWatchRequest, type IWatchResponse } from 'etcd3';
import type { Side } from './harness';

export interface Target {
	side: Side['name'];
	client: Etcd3;
	/** This scenario's key prefix (fresh, the same on both sides). */
	p: string;
	/** The revision when the scenario started. */
	rev0: number;
	/** A key under the prefix, as bytes. */
	k(suffix: string): Buffer;
	/** Appends something to the transcript. */
	note(label: string, value: unknown): void;
	/** Runs a call and records its result or error; returns the raw result (undefined on error). */
	rec<T>(label: string, fn: () => Promise<T>): Promise<T | undefined>;
	/** Opens a raw watch stream on this side (closed when the scenario ends). */
	watch(): Promise<WatchProbe>;
}

export interface Scenario {
	name: string;
	run(t: Target): Promise<void>;
}

export const b = (s: string | number[]) => (typeof s === 'string' ? Buffer.from(s) : Buffer.from(s));

/** A fault-handling policy that does nothing: errors are what these tests compare, so no retries or circuit breaking. */
const noPolicy = { execute: async (fn: (ctx: object) => unknown) => fn({}) } as never;

export function clientFor(s: Side): Etcd3 {
	return new Etcd3({
		hosts: s.endpoint,
		...(s.user ? { auth: { username: s.user.name, password: s.user.password } } : {}),
		faultHandling: { global: noPolicy, host: () => noPolicy }
	});
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A raw Watch stream: requests out, every response kept in order. */
export class WatchProbe {
	readonly responses: IWatchResponse[] = [];
	private waiters: Array<() => void> = [];
	private ended = false;

	private constructor(private readonly stream: Awaited<ReturnType<Etcd3['watchClient']['watch']>>) {
		stream.on('data', (r: IWatchResponse) => {
			this.responses.push(r);
			for (const w of this.waiters) w();
		});
		stream.on('error', () => (this.ended = true));
		stream.on('end', () => (this.ended = true));
	}

	static async open(client: Etcd3): Promise<WatchProbe> {
		return new WatchProbe(await client.watchClient.watch());
	}

	send(req: IWatchRequest): void {
		this.stream.write(req);
	}

	/** Waits until `pred(responses)` holds (or `timeoutMs` passes: the transcript shows the rest). */
	async until(pred: (rs: IWatchResponse[]) => boolean, timeoutMs = 5000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (!pred(this.responses) && !this.ended && Date.now() < deadline) {
			await Promise.race([new Promise<void>((r) => this.waiters.push(r)), sleep(Math.max(0, deadline - Date.now()))]);
			this.waiters = [];
		}
	}

	/** Events received so far (all watchers). */
	get events(): number {
		return this.responses.reduce((n, r) => n + r.events.length, 0);
	}

	close(): void {
		this.stream.cancel?.();
		this.stream.end();
	}
}

const REVISION_FIELDS = new Set(['revision', 'create_revision', 'mod_revision', 'compact_revision']);
const LEASE_FIELDS = new Set(['ID', 'lease']);
/** Ids of the cluster and member, which differ by design. */
const DROPPED = new Set(['cluster_id', 'member_id', 'raft_term', 'memberID']);

export function normalizer(rev0: number) {
	const leaseIds = new Map<string, string>();
	const lease = (v: string) => {
		if (v === '0') return '0';
		if (!leaseIds.has(v)) leaseIds.set(v, `L${leaseIds.size + 1}`);
		return leaseIds.get(v)!;
	};
	const walk = (v: unknown, key = ''): unknown => {
		if (Buffer.isBuffer(v) || v instanceof Uint8Array) return Buffer.from(v).toString('latin1');
		if (Array.isArray(v)) return v.map((x) => walk(x, key));
		if (v && typeof v === 'object') {
			const out: Record<string, unknown> = {};
			for (const [k, x] of Object.entries(v)) if (!DROPPED.has(k)) out[k] = walk(x, k);
			return out;
		}
		if (typeof v === 'string' && REVISION_FIELDS.has(key) && /^-?\d+$/.test(v)) return v === '0' ? 0 : `r0${Number(v) - rev0 >= 0 ? '+' : ''}${Number(v) - rev0}`;
		if (typeof v === 'string' && LEASE_FIELDS.has(key) && /^-?\d+$/.test(v)) return lease(v);
		return v;
	};
	return { walk, lease };
}

export function errorOf(e: unknown): { error: string; message: string } {
	const err = e as Error;
	return { error: err.constructor?.name ?? 'Error', message: err.message };
}

async function currentRevision(client: Etcd3): Promise<number> {
	const r = await client.kv.range({ key: Buffer.from([0]) });
	return Number(r.header.revision);
}

/** Runs a scenario on one side and returns its normalized transcript. */
export async function play(side: Side, client: Etcd3, scenario: Scenario, index: number): Promise<unknown[]> {
	const rev0 = await currentRevision(client);
	const n = normalizer(rev0);
	const log: unknown[] = [];
	const probes: WatchProbe[] = [];
	const p = `s${String(index).padStart(3, '0')}/`;
	const t: Target = {
		side: side.name,
		client,
		p,
		rev0,
		k: (suffix) => Buffer.from(p + suffix),
		note: (label, value) => log.push({ [label]: n.walk(value) }),
		async rec(label, fn) {
			try {
				const r = await fn();
				log.push({ [label]: n.walk(r) });
				return r;
			} catch (e) {
				log.push({ [label]: errorOf(e) });
				return undefined;
			}
		},
		async watch() {
			const probe = await WatchProbe.open(client);
			probes.push(probe);
			return probe;
		}
	};
	try {
		await scenario.run(t);
	} finally {
		for (const probe of probes) probe.close();
	}
	return log;
}
