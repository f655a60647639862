/**
 * Keeps a replica in step with the room's store: downloads the snapshot, then follows the stream
 * of new revisions (reconnecting from the replica's revision when it ends, like a kube reflector
 * resumes its watch). A stream that cannot continue (the server compacted past the replica, a gap
 * in revisions) makes it download the snapshot again.
 *
 * Isomorphic: the caller supplies the engine (browser: wasm-engine-browser) and may supply fetch.
 *
 * @module
 */
import type { WasmEngine } from '../store/wasm-engine';
import { JsonLineSplitter } from '../kube-client/json-lines';
import { Replica, ReplicaGap } from './replica';
import { decodeMessage, type StreamMessage } from './wire';

export interface ConnectionOptions {
	roomId: string;
	token: string;
	/** '' (default) = the page's origin. */
	origin?: string;
	createEngine: () => Promise<WasmEngine>;
	fetch?: typeof fetch;
	/** Called with each stream message once applied (the Store view's watch feed). */
	onMessage?: (m: StreamMessage) => void;
	/** Called when loading or following fails (it retries by itself). */
	onError?: (message: string) => void;
	/** Called after each (re)load of the snapshot. */
	onLoad?: () => void;
}

const RETRY_MS = [500, 1000, 2000, 5000, 10_000];

export class ReplicaConnection {
	replica: Replica | undefined;
	private stopped = false;
	private abort: AbortController | undefined;
	private failures = 0;
	private readonly fetch: typeof fetch;

	constructor(private readonly o: ConnectionOptions) {
		this.fetch = o.fetch ?? ((input, init) => globalThis.fetch(input, init));
	}

	private url(path: string): string {
		return `${this.o.origin ?? ''}/api/rooms/${encodeURIComponent(this.o.roomId)}/store${path}`;
	}

	private headers(): Record<string, string> {
		return { authorization: `Bearer ${this.o.token}` };
	}

	/** Loads the snapshot (resolves once the replica is readable), then follows the stream in the background. */
	async start(): Promise<Replica> {
		await this.load();
		void this.follow();
		return this.replica!;
	}

	/** Downloads the snapshot into the replica (a new one the first time; its engine is made meanwhile). */
	async load(): Promise<void> {
		const engine = this.replica ? undefined : this.o.createEngine();
		engine?.catch(() => {}); // awaited below; a failed download must not leave it unhandled
		const res = await this.fetch(this.url('/snapshot'), { headers: this.headers(), cache: 'no-store' });
		if (!res.ok) throw new Error(`time travel: snapshot failed (HTTP ${res.status}): ${(await res.text()).slice(0, 300)}`);
		const body = await readSnapshotBody(res);
		this.replica ??= new Replica(await engine!);
		this.replica.load(body);
		this.o.onLoad?.();
	}

	private async follow(): Promise<void> {
		while (!this.stopped) {
			try {
				const reload = await this.streamOnce();
				this.failures = 0;
				if (reload && !this.stopped) await this.load();
			} catch (e) {
				if (this.stopped) return;
				this.o.onError?.((e as Error).message);
				await new Promise((r) => setTimeout(r, RETRY_MS[Math.min(this.failures++, RETRY_MS.length - 1)]));
				if (e instanceof ReplicaGap && !this.stopped) await this.load().catch(() => {});
			}
		}
	}

	/** One stream request; resolves true when the snapshot must be loaded again. */
	private async streamOnce(): Promise<boolean> {
		const replica = this.replica!;
		this.abort = new AbortController();
		const res = await this.fetch(this.url(`/watch?revision=${replica.revision}`), { headers: this.headers(), signal: this.abort.signal, cache: 'no-store' });
		if (res.status === 410) return true;
		if (!res.ok || !res.body) throw new Error(`time travel: stream failed (HTTP ${res.status})`);
		const reader = res.body.getReader();
		const lines = new JsonLineSplitter();
		let reload = false;
		const handle = (ls: string[]) => {
			for (const line of ls) {
				const m = decodeMessage(line);
				if (m.type === 'revision') replica.apply(m);
				else if (m.type === 'compacted') replica.compact(m.revision);
				else if (m.type === 'error') reload = true;
				this.o.onMessage?.(m);
			}
		};
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			handle(lines.push(value));
			if (reload) {
				this.abort.abort();
				return true;
			}
		}
		handle(lines.end());
		return reload;
	}

	stop(): void {
		this.stopped = true;
		this.abort?.abort();
	}
}

/**
 * The snapshot body of a response. The server sends it gzipped as the entity itself
 * (`application/gzip`, not a content-encoding): inflated here by a DecompressionStream as it
 * arrives, in the page, instead of by the browser's network process and piped over.
 */
export async function readSnapshotBody(res: Response): Promise<Uint8Array> {
	if (!res.body) return new Uint8Array(0);
	const gzipped = (res.headers.get('content-type') ?? '').startsWith('application/gzip');
	const reader = (gzipped ? res.body.pipeThrough(new DecompressionStream('gzip')) : res.body).getReader();
	const chunks: Uint8Array[] = [];
	let total = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		chunks.push(value);
		total += value.length;
	}
	if (chunks.length === 1) return chunks[0];
	const out = new Uint8Array(total);
	let at = 0;
	for (const c of chunks) {
		out.set(c, at);
		at += c.length;
	}
	return out;
}
