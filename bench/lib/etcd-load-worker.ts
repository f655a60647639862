/**
 * A load-generating client process for bench/store.ts: forked (`node --import tsx`) by the
 * benchmark, so several client processes share the load and the client is not the limit. It
 * talks to one etcd v3 endpoint (real etcd or converge) with the `etcd3` client's raw KV/Watch
 * clients (no builder overhead), no retries, and answers one command at a time over IPC.
 *
 * Keys are 32 bytes (`<prefix><zero-padded index>`), values 256 bytes, as in bench/store-engine.ts.
 *
 * @module
 */
import { Etcd3 } from 'etcd3';

export const KEY_BYTES = 32;
export const VALUE_BYTES = 256;

/** The i-th key under `prefix`, padded to KEY_BYTES. */
export function keyOf(prefix: string, i: number): string {
	const n = String(i);
	return prefix + n.padStart(Math.max(n.length, KEY_BYTES - prefix.length), '0');
}

export type Command =
	| { op: 'connect'; hosts: string; auth?: { username: string; password: string } }
	/** Puts keys [from, to) with `inflight` concurrent requests. */
	| { op: 'preload'; prefix: string; from: number; to: number; inflight: number }
	/** Closed loop of puts for `durationMs`: keys cycle through `keySpace` keys under `prefix`. */
	| { op: 'put'; prefix: string; keySpace: number; inflight: number; durationMs: number }
	/** Closed loop of single-key gets of random keys among `keySpace` under `prefix`. */
	| { op: 'get'; prefix: string; keySpace: number; inflight: number; durationMs: number }
	/** Closed loop of prefix ranges; each must return `expect` keys. */
	| { op: 'range'; prefix: string; expect: number; inflight: number; durationMs: number }
	/** A watch on `prefix` (its own client) and puts at `rate`/s for `durationMs`: put → event latencies. */
	| { op: 'watch'; prefix: string; rate: number; durationMs: number }
	| { op: 'close' };

export interface Result {
	ops: number;
	errors: number;
	firstError?: string;
	elapsedMs: number;
	/** This client process's CPU during the command (ms). */
	clientCpuMs: number;
	/** Watch: put → event latencies (ms). */
	latencies?: number[];
}

const noPolicy = { execute: async (fn: (ctx: object) => unknown) => fn({}) } as never;

let client: Etcd3 | undefined;
let connectArgs: Extract<Command, { op: 'connect' }> | undefined;
const value = Buffer.alloc(VALUE_BYTES);
for (let i = 0; i < value.length; i++) value[i] = (Math.random() * 256) | 0;

function newClient(c: Extract<Command, { op: 'connect' }>): Etcd3 {
	return new Etcd3({
		hosts: c.hosts,
		...(c.auth ? { auth: c.auth } : {}),
		faultHandling: { global: noPolicy, host: () => noPolicy },
		grpcOptions: { 'grpc.max_receive_message_length': 64 * 1024 * 1024 }
	});
}

/** Prefix range end (last byte + 1; prefixes here are ASCII). */
export function prefixEnd(p: string): Buffer {
	const b = Buffer.from(p);
	b[b.length - 1]++;
	return b;
}

/** Runs `inflight` loops of `call` until `durationMs` has passed (or `count` calls were started). */
async function closedLoop(inflight: number, durationMs: number, call: (i: number) => Promise<void>, count = Infinity): Promise<Omit<Result, 'clientCpuMs'>> {
	let ops = 0;
	let errors = 0;
	let firstError: string | undefined;
	let started = 0;
	const t0 = performance.now();
	const end = t0 + durationMs;
	const loop = async () => {
		while (started < count && performance.now() < end) {
			const i = started++;
			try {
				await call(i);
				ops++;
			} catch (e) {
				errors++;
				firstError ??= (e as Error).message;
			}
		}
	};
	await Promise.all(Array.from({ length: inflight }, loop));
	return { ops, errors, firstError, elapsedMs: performance.now() - t0 };
}

async function run(cmd: Command): Promise<Omit<Result, 'clientCpuMs'> | undefined> {
	switch (cmd.op) {
		case 'connect': {
			connectArgs = cmd;
			client = newClient(cmd);
			// Authenticate and open the channel before anything is timed.
			await client.kv.range({ key: Buffer.from('/bench/none') });
			return { ops: 0, errors: 0, elapsedMs: 0 };
		}
		case 'preload': {
			const kv = client!.kv;
			return closedLoop(cmd.inflight, Infinity, (i) => kv.put({ key: Buffer.from(keyOf(cmd.prefix, cmd.from + i)), value }).then(() => {}), cmd.to - cmd.from);
		}
		case 'put': {
			const kv = client!.kv;
			return closedLoop(cmd.inflight, cmd.durationMs, (i) => kv.put({ key: Buffer.from(keyOf(cmd.prefix, i % cmd.keySpace)), value }).then(() => {}));
		}
		case 'get': {
			const kv = client!.kv;
			return closedLoop(cmd.inflight, cmd.durationMs, async () => {
				const r = await kv.range({ key: Buffer.from(keyOf(cmd.prefix, Math.floor(Math.random() * cmd.keySpace))) });
				if (r.kvs.length !== 1) throw new Error(`get returned ${r.kvs.length} keys`);
			});
		}
		case 'range': {
			const kv = client!.kv;
			const key = Buffer.from(cmd.prefix);
			const rangeEnd = prefixEnd(cmd.prefix);
			return closedLoop(cmd.inflight, cmd.durationMs, async () => {
				const r = await kv.range({ key, range_end: rangeEnd });
				if (r.kvs.length !== cmd.expect) throw new Error(`range returned ${r.kvs.length} keys, expected ${cmd.expect}`);
			});
		}
		case 'watch':
			return watchLatency(cmd);
		case 'close':
			client?.close();
			client = undefined;
			return undefined;
	}
}

/** Puts at a fixed rate (open loop) while a watch (own client, own connection) on the prefix reports them. */
async function watchLatency(cmd: Extract<Command, { op: 'watch' }>): Promise<Omit<Result, 'clientCpuMs'>> {
	const watcher = newClient(connectArgs!);
	const sentAt = new Map<string, number>();
	const latencies: number[] = [];
	let errors = 0;
	let firstError: string | undefined;
	let onAll: () => void = () => {};
	let onCreated: () => void = () => {};
	const created = new Promise<void>((resolve) => (onCreated = resolve));
	const stream = await watcher.watchClient.watch();
	stream.on('data', (res) => {
		if (res.created) onCreated();
		const now = performance.now();
		for (const ev of res.events ?? []) {
			const t = sentAt.get(ev.kv.key.toString());
			if (t === undefined) continue;
			latencies.push(now - t);
			sentAt.delete(ev.kv.key.toString());
		}
		if (sentAt.size === 0) onAll();
	});
	stream.on('error', (e: Error) => {
		errors++;
		firstError ??= e.message;
	});
	stream.write({ create_request: { key: Buffer.from(cmd.prefix), range_end: prefixEnd(cmd.prefix) } });
	await created;

	const kv = client!.kv;
	const n = Math.round((cmd.rate * cmd.durationMs) / 1000);
	const t0 = performance.now();
	const puts: Promise<unknown>[] = [];
	for (let i = 0; i < n; i++) {
		const due = t0 + (i * 1000) / cmd.rate;
		const wait = due - performance.now();
		if (wait > 0) await new Promise((r) => setTimeout(r, wait));
		const key = keyOf(cmd.prefix, i);
		sentAt.set(key, performance.now());
		puts.push(
			kv.put({ key: Buffer.from(key), value }).catch((e: Error) => {
				errors++;
				firstError ??= e.message;
				sentAt.delete(key);
			})
		);
	}
	await Promise.all(puts);
	if (sentAt.size > 0) await Promise.race([new Promise<void>((r) => (onAll = r)), new Promise((r) => setTimeout(r, 5000))]);
	errors += sentAt.size; // events that never came
	const elapsedMs = performance.now() - t0;
	stream.end();
	watcher.close();
	return { ops: latencies.length, errors, firstError, elapsedMs, latencies };
}

process.on('message', (cmd: Command) => {
	const cpu0 = process.cpuUsage();
	run(cmd).then(
		(r) => {
			const cpu = process.cpuUsage(cpu0);
			process.send!({ ok: true, result: r && { ...r, clientCpuMs: (cpu.user + cpu.system) / 1000 } });
			if (cmd.op === 'close') process.disconnect();
		},
		(e: Error) => process.send!({ ok: false, error: e.stack ?? e.message })
	);
});
process.on('disconnect', () => process.exit(0));
