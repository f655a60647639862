/**
 * The etcd gRPC transport alone (diagnosis for issue 4's CPU goals, not part of the report):
 * converge's etcd API server over a null store (every Put answers at once, every Range returns
 * 1,000 prebuilt key-values; no engine, no WAL, no fsync). The server's CPU per 10,000 calls is
 * what the transport plus the etcd layer (services, conversions, codecs) cost before the store
 * does anything: the floor under the figures of bench/store.ts.
 *
 * Servers (`TRANSPORT=floor,grpc-js,http2`, all three by default, back to back):
 * - `floor`: node:http2 answering every call with one constant response, nothing decoded: what
 *   a gRPC call costs in Node before any work;
 * - `grpc-js`: a grpc-js server over the same services and codecs (kept here only to compare);
 * - `http2`: server/etcd/grpc-server.ts, converge's server (node:http2 directly).
 *
 * The clients are raw HTTP/2 with prebuilt requests (cheap, unlike the etcd3 client), so the
 * server is the limit even on a busy machine. Phases have a fixed number of calls (`SCALE`
 * multiplies them): sequential put, put and get with 64 in flight, 1,000-key range with 8.
 *
 * Run: `npx tsx bench/store-transport.ts`.
 *
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:http2';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import type { Backend } from '../src/lib/store/backend';
import type { KeyValue } from '../src/lib/store/types';
import { DEFAULT_ETCD_OPTIONS, EtcdContext, Caller } from '../server/etcd/context';
import { startGrpcServer } from '../server/etcd/grpc-server';
import { kvService } from '../server/etcd/kv-service';
import { serviceDefinition } from '../server/etcd/protos';
import { statusOf } from '../server/etcd/status';
import { frame } from '../server/etcd/grpc-framing';
import { encodePutResponse } from '../server/etcd/wire-codec';
import { processCpuSeconds } from './lib/proc-cpu';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH, '..');
const WORKERS = Math.max(2, Number(process.env.WORKERS ?? 2));
/** Multiplies the number of calls of every phase. */
const SCALE = Number(process.env.SCALE ?? 1);
const INFLIGHT = 64;
const RANGE_KEYS = 1000;

/** A store that does nothing: answers come back at once, at revision 1. */
function nullStore(): Backend {
	const kv = (i: number): KeyValue => ({
		key: Buffer.from(`/bench/range/${String(i).padStart(19, '0')}`),
		value: Buffer.alloc(256, 7),
		createRevision: 2,
		modRevision: 2 + i,
		version: 1,
		lease: 0
	});
	const many = Array.from({ length: RANGE_KEYS }, (_, i) => kv(i));
	const one = [kv(0)];
	const header = { revision: 1 };
	return {
		put: async () => ({ header }),
		range: async (req: { rangeEnd?: Uint8Array }) => ({ header, kvs: req.rangeEnd ? many : one, more: false, count: req.rangeEnd ? many.length : 1 }),
		leaseLeases: async () => ({ ids: [], revision: 1 })
	} as unknown as Backend;
}

/** An etcd context whose every caller is an editor of one room over the null store. */
class NullContext extends EtcdContext {
	private readonly nullCaller = new Caller({ room: { id: 'null', store: nullStore(), hold: () => () => {} } as never, role: 'editor' });

	override async caller(): Promise<Caller> {
		return this.nullCaller;
	}
}

/** grpc-js over the same services and codecs (KV only: what the phases call). */
async function startGrpcJs(ctx: EtcdContext): Promise<number> {
	const server = new grpc.Server({ 'grpc.enable_channelz': 0 });
	const kv = kvService(ctx);
	const unary =
		<Req, Res>(fn: (c: Caller, req: Req) => Promise<Res>): grpc.handleUnaryCall<Req, Res> =>
		(call, callback) => {
			ctx
				.caller(undefined)
				.then((c) => fn(c, call.request))
				.then(
					(res) => callback(null, res),
					(e) => callback({ code: statusOf(e, console.error).code, details: (e as Error).message })
				);
		};
	server.addService(serviceDefinition('KV'), { Range: unary(kv.Range), Put: unary(kv.Put) });
	return new Promise((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
}

/**
 * node:http2 alone: every call answered with one constant Put response, no decoding, no etcd
 * layer. What a gRPC call costs in Node before any work is done.
 */
async function startFloor(): Promise<number> {
	const body = frame(encodePutResponse({ header: { cluster_id: 1, member_id: 2, revision: 3, raft_term: 2 } }));
	const server = createServer({ maxSessionMemory: Number.MAX_SAFE_INTEGER });
	const RESPOND = { waitForTrailers: true, sendDate: false };
	server.on('stream', (stream) => {
		stream.on('error', () => {});
		stream.on('data', () => {});
		stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, RESPOND);
		stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
		stream.end(body);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return (server.address() as { port: number }).port;
}

/** The server side: runs in its own process (its CPU is measured from /proc), prints its port. */
async function serve(kind: string): Promise<void> {
	const ctx = new NullContext(undefined as never, DEFAULT_ETCD_OPTIONS);
	const port = kind === 'floor' ? await startFloor() : kind === 'grpc-js' ? await startGrpcJs(ctx) : (await startGrpcServer(ctx, '127.0.0.1', 0)).port;
	process.send!({ port });
}

/** A framed etcd request, encoded by hand (fields 1 = key, 2 = value or range_end, as bytes). */
function request(key: string, second?: Buffer): Buffer {
	const k = Buffer.from(key);
	const parts: Uint8Array[] = [Buffer.from([0x0a, k.length]), k];
	if (second) parts.push(Buffer.from([0x12, ...varint(second.length)]), second);
	return frame(Buffer.concat(parts));
}

function varint(n: number): number[] {
	const out: number[] = [];
	while (n >= 0x80) {
		out.push((n & 0x7f) | 0x80);
		n >>>= 7;
	}
	out.push(n);
	return out;
}

interface ClientJob {
	port: number;
	path: string;
	body: 'put' | 'get' | 'range';
	inflight: number;
	calls: number;
}

/**
 * A load client that costs little: raw HTTP/2 with prebuilt gRPC requests (headers as grpc-js
 * sends them), so the server is the limit even on a busy machine and its CPU per call does not
 * depend on how starved the client is.
 */
async function client(job: ClientJob): Promise<{ calls: number; errors: number; firstError?: string }> {
	const session = connect(`http://127.0.0.1:${job.port}`);
	const headers = {
		':method': 'POST',
		':path': job.path,
		'content-type': 'application/grpc',
		te: 'trailers',
		'user-agent': 'grpc-node-js/1.14.3',
		'grpc-accept-encoding': 'identity,deflate,gzip',
		'accept-encoding': 'identity,gzip',
		token: 'null.e.token'
	};
	const value = Buffer.alloc(256, 1);
	const body = (i: number) =>
		job.body === 'put' ? request(`/bench/put/${String(i % 10_000).padStart(21, '0')}`, value) : job.body === 'get' ? request('/bench/get/000000000000000000001') : request('/bench/range/', Buffer.from('/bench/range0'));
	let started = 0;
	let errors = 0;
	let firstError: string | undefined;
	const call = (i: number) =>
		new Promise<void>((resolve) => {
			const req = session.request(headers);
			let status: unknown;
			req.on('response', (h) => (status = h['grpc-status'] ?? status));
			req.on('trailers', (t) => (status = t['grpc-status']));
			req.on('data', () => {});
			req.on('error', () => {});
			req.on('close', () => {
				if (status !== '0') {
					errors++;
					firstError ??= `grpc-status ${String(status)}`;
				}
				resolve();
			});
			req.end(body(i));
		});
	const loop = async () => {
		while (started < job.calls) await call(started++);
	};
	await Promise.all(Array.from({ length: job.inflight }, loop));
	session.close();
	return { calls: started, errors, firstError };
}

function fork1(args: string[]): ChildProcess {
	return fork(fileURLToPath(import.meta.url), args, { execArgv: ['--import', 'tsx'], cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function ask<T>(p: ChildProcess, msg: unknown): Promise<T> {
	return new Promise((resolve) => {
		p.once('message', (m) => resolve(m as T));
		p.send(msg as never);
	});
}

async function measure(kind: string): Promise<Record<string, number>> {
	const server = fork1(['serve', kind]);
	const { port } = await new Promise<{ port: number }>((resolve) => server.once('message', resolve as never));
	const procs = Array.from({ length: WORKERS }, () => fork1(['client']));
	try {
		const put = '/etcdserverpb.KV/Put';
		const range = '/etcdserverpb.KV/Range';
		const phases: Array<[string, string, ClientJob['body'], number, number]> = [
			['warmup', put, 'put', INFLIGHT, 20_000 * SCALE],
			['seq', put, 'put', 1, 2_000 * SCALE],
			['put64', put, 'put', INFLIGHT, 20_000 * SCALE],
			['get64', range, 'get', INFLIGHT, 20_000 * SCALE],
			['range', range, 'range', 8, 300 * SCALE]
		];
		const out: Record<string, number> = {};
		for (const [name, path, body, inflight, calls] of phases) {
			// Sequential calls come from one client; concurrent ones are split between all.
			const users = inflight === 1 ? [procs[0]] : procs;
			const cpu0 = processCpuSeconds(server.pid!);
			const results = await Promise.all(
				users.map((p) => ask<{ calls: number; errors: number; firstError?: string }>(p, { port, path, body, inflight: inflight / users.length, calls: calls / users.length }))
			);
			const cpu = processCpuSeconds(server.pid!) - cpu0;
			const ops = results.reduce((s, r) => s + r.calls, 0);
			const errors = results.reduce((s, r) => s + r.errors, 0);
			if (errors) throw new Error(`${kind} ${name}: ${errors} errors, first: ${results.find((r) => r.firstError)?.firstError}`);
			if (name === 'warmup') continue;
			out[name] = (cpu / ops) * 10_000;
			console.log(`[transport] ${kind.padEnd(7)} ${name.padEnd(6)} ${ops.toString().padStart(7)} calls  server ${cpu.toFixed(2)} s CPU  → ${out[name].toFixed(3)} s per 10k calls`);
		}
		return out;
	} finally {
		for (const p of procs) p.kill('SIGKILL');
		server.kill('SIGKILL');
	}
}

async function main(): Promise<void> {
	if (process.argv[2] === 'serve') return serve(process.argv[3]);
	if (process.argv[2] === 'client') return void process.on('message', (job: ClientJob) => client(job).then((r) => process.send!(r)));
	const kinds = process.env.TRANSPORT ? process.env.TRANSPORT.split(',') : ['floor', 'grpc-js', 'http2'];
	for (const k of kinds) await measure(k);
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
