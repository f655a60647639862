/**
 * The etcd v3 gRPC server: KV, Watch, Lease, Auth.Authenticate and Maintenance over every room,
 * on one port, served straight on `node:http2` (gRPC over HTTP/2 is POST /<service>/<method>,
 * `content-type: application/grpc`, length-prefixed messages, status in the trailers).
 * grpc-js's server layers (metadata objects, interceptors, per-call state machines) cost more
 * CPU per call than the store itself; a unary call here is one header lookup, one decode, one
 * respond + write + trailers.
 *
 * The room (and role) of a call comes from its auth token (metadata `token`, or `authorization`
 * as etcd also accepts). Methods converge does not serve (cluster membership, user management,
 * snapshots) answer Unimplemented, as grpc-go does for unknown methods.
 *
 * Messages up to --max-request-bytes + 512 KiB are received, like etcd; write requests above
 * --max-request-bytes get "etcdserver: request is too large" from the services.
 *
 * @module
 */
import { constants, createServer, type Http2Session, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { GrpcCode, StoreError } from '../../src/lib/store/errors';
import { authService } from './auth-service';
import { GRPC_OVERHEAD_BYTES, type Caller, type EtcdContext } from './context';
import { frame, MessageReader, PREFIX_BYTES, sealFrame } from './grpc-framing';
import { kvService } from './kv-service';
import { KeepAliveSession, leaseService, refusedKeepAliveSession } from './lease-service';
import { maintenanceService } from './maintenance-service';
import { reservingEncoder, serviceDefinition, type ServiceName } from './protos';
import { statusOf, type EtcdStatus } from './status';
import { deferredSession, type ResponseSink, type StreamSession } from './stream';
import { refusedWatchSession, WatchSession } from './watch-service';

export interface EtcdGrpcServer {
	/** The port bound (useful when 0 was asked). */
	port: number;
	close(): Promise<void>;
}

/** Request decoder; response encoder to a framed message. */
type Codec = { decode: (buf: Buffer) => object; encode: (res: never) => Buffer };

interface UnaryMethod extends Codec {
	kind: 'unary';
	run(token: string | undefined, req: object): Promise<unknown>;
}

interface StreamMethod extends Codec {
	kind: 'stream';
	open(token: string | undefined, sink: ResponseSink<unknown>): StreamSession<object>;
}

type Method = UnaryMethod | StreamMethod;

// Shared header objects: node copies them into its own list on every respond().
const RESPONSE_HEADERS = { ':status': 200, 'content-type': 'application/grpc' };
const RESPONSE_OPTIONS = { waitForTrailers: true, sendDate: false };
const TRAILERS_ONLY_OPTIONS = { endStream: true, sendDate: false };
const OK_TRAILERS = { 'grpc-status': '0' };

/** The auth token of a call: etcd reads metadata `token`, then `authorization`. */
function tokenOf(headers: IncomingHttpHeaders): string | undefined {
	const v = headers.token ?? headers.authorization;
	return Array.isArray(v) ? v[0] : v;
}

/** The methods served, by HTTP/2 path (`/etcdserverpb.KV/Range`). */
function methods(ctx: EtcdContext): Map<string, Method> {
	const table = new Map<string, Method>();
	const codec = (service: ServiceName, method: string): Codec & { path: string } => {
		const d = serviceDefinition(service)[method];
		// Framed responses: the hot methods encode after a reserved prefix (one buffer), the others are copied behind one.
		const reserving = reservingEncoder(service, method);
		const serialize = d.responseSerialize as (res: never) => Buffer;
		const encode = reserving ? (res: never) => sealFrame(reserving(res, PREFIX_BYTES)) : (res: never) => frame(serialize(res));
		return { path: d.path, decode: d.requestDeserialize as Codec['decode'], encode };
	};
	const unary = <Req>(service: ServiceName, method: string, fn: (c: Caller, req: Req) => Promise<unknown>) => {
		const { path, ...c } = codec(service, method);
		table.set(path, { kind: 'unary', ...c, run: (token, req) => ctx.caller(token).then((caller) => fn(caller, req as Req)) });
	};
	const stream = <Req, Res>(
		service: ServiceName,
		method: string,
		open: (c: Caller, sink: ResponseSink<Res>) => StreamSession<Req>,
		refused: (e: unknown, sink: ResponseSink<Res>) => StreamSession<Req>
	) => {
		const { path, ...c } = codec(service, method);
		table.set(path, {
			kind: 'stream',
			...c,
			open: (token, sink) =>
				deferredSession(
					ctx.caller(token),
					(caller) => open(caller, sink as ResponseSink<Res>),
					(e) => refused(e, sink as ResponseSink<Res>)
				) as StreamSession<object>
		});
	};
	const kv = kvService(ctx);
	unary('KV', 'Range', kv.Range);
	unary('KV', 'Put', kv.Put);
	unary('KV', 'DeleteRange', kv.DeleteRange);
	unary('KV', 'Txn', kv.Txn);
	unary('KV', 'Compact', kv.Compact);
	stream('Watch', 'Watch', (c, sink) => new WatchSession(c, sink, ctx.options.progressNotifyMs), refusedWatchSession);
	unary('Lease', 'LeaseGrant', leaseService.LeaseGrant);
	unary('Lease', 'LeaseRevoke', leaseService.LeaseRevoke);
	unary('Lease', 'LeaseTimeToLive', leaseService.LeaseTimeToLive);
	unary('Lease', 'LeaseLeases', leaseService.LeaseLeases);
	stream('Lease', 'LeaseKeepAlive', (c, sink) => new KeepAliveSession(c, sink), refusedKeepAliveSession);
	// Authenticate needs no token.
	const auth = authService(ctx);
	const { path, ...authCodec } = codec('Auth', 'Authenticate');
	table.set(path, { kind: 'unary', ...authCodec, run: (_token, req) => auth.Authenticate(req as { name: string; password: string }) });
	unary('Maintenance', 'Status', maintenanceService.Status);
	unary('Maintenance', 'Alarm', maintenanceService.Alarm);
	unary('Maintenance', 'Defragment', maintenanceService.Defragment);
	return table;
}

const SERVED = new Set(['KV', 'Watch', 'Lease', 'Auth', 'Maintenance'].map((s) => `etcdserverpb.${s}`));

/** grpc-go's answer to a path it does not serve. */
function unimplemented(path: string): EtcdStatus {
	const [, service = '', method = ''] = path.split('/');
	return {
		code: GrpcCode.Unimplemented,
		message: SERVED.has(service) ? `unknown method ${method} for service ${service}` : `unknown service ${service}`
	};
}

/** Ends a call with a status: in the trailers once headers went out, else as a trailers-only response. */
function endWith(stream: ServerHttp2Stream, status: EtcdStatus): void {
	if (stream.destroyed || stream.closed || stream.writableEnded) return;
	const trailers = status.code === 0 ? OK_TRAILERS : { 'grpc-status': String(status.code), 'grpc-message': encodeURI(status.message) };
	try {
		if (!stream.headersSent) return void stream.respond({ ...RESPONSE_HEADERS, ...trailers }, TRAILERS_ONLY_OPTIONS);
		stream.once('wantTrailers', () => stream.sendTrailers(trailers));
		stream.end();
	} catch {
		// The stream broke under us: reset it, the client sees the call fail.
		stream.close(constants.NGHTTP2_INTERNAL_ERROR);
	}
}

/** Starts the server on host:port; rejects when the address cannot be bound. */
export async function startGrpcServer(ctx: EtcdContext, host: string, port: number): Promise<EtcdGrpcServer> {
	const table = methods(ctx);
	const maxMessage = ctx.options.maxRequestBytes + GRPC_OVERHEAD_BYTES;
	const status = (e: unknown) => statusOf(e, ctx.options.log);

	const serveUnary = (stream: ServerHttp2Stream, m: UnaryMethod, token: string | undefined, reader: MessageReader) => {
		let started = false;
		const start = (body: Buffer) => {
			started = true;
			let req: object;
			try {
				req = m.decode(body);
			} catch (e) {
				return endWith(stream, { code: GrpcCode.Internal, message: `grpc: error unmarshalling request: ${(e as Error).message}` });
			}
			m.run(token, req)
				.then((res) => {
					if (stream.destroyed || stream.closed) return;
					const body = m.encode(res as never);
					stream.respond(RESPONSE_HEADERS, RESPONSE_OPTIONS);
					stream.once('wantTrailers', () => stream.sendTrailers(OK_TRAILERS));
					stream.end(body);
				})
				// A failed call, or one whose response cannot be encoded or sent: never an unhandled rejection.
				.catch((e) => endWith(stream, status(e)));
		};
		stream.on('data', (chunk: Buffer) => {
			if (started) return;
			let msgs: Buffer[];
			try {
				msgs = reader.push(chunk);
			} catch (e) {
				started = true;
				return endWith(stream, status(e));
			}
			// The first message is the request (grpc-go answers as soon as it has it, too).
			if (msgs.length) start(msgs[0]);
		});
		stream.on('end', () => {
			if (!started) {
				started = true;
				endWith(stream, { code: GrpcCode.Internal, message: 'grpc: the client sent no request message' });
			}
		});
	};

	const serveStream = (stream: ServerHttp2Stream, m: StreamMethod, token: string | undefined, reader: MessageReader) => {
		let done = false;
		const sink: ResponseSink<unknown> = {
			// Called from store callbacks (a watch hub delivering to every watcher): it must not throw.
			send: (msg) => {
				if (done || stream.destroyed) return;
				try {
					const body = m.encode(msg as never);
					if (!stream.headersSent) stream.respond(RESPONSE_HEADERS, RESPONSE_OPTIONS);
					stream.write(body);
				} catch (e) {
					sink.fail(e);
				}
			},
			fail: (e) => {
				if (done) return;
				done = true;
				endWith(stream, status(e));
			},
			end: () => {
				if (done) return;
				done = true;
				endWith(stream, { code: 0, message: '' });
			}
		};
		const session = m.open(token, sink);
		stream.on('data', (chunk: Buffer) => {
			if (done) return;
			try {
				for (const msg of reader.push(chunk)) session.receive(m.decode(msg));
			} catch (e) {
				sink.fail(e instanceof StoreError ? e : new StoreError(GrpcCode.Internal, `grpc: error unmarshalling request: ${(e as Error).message}`));
				session.close();
			}
		});
		stream.on('end', () => session.finish());
		// However the call ends (client cancel, error, our end), nothing more is written to it.
		stream.on('close', () => {
			done = true;
			session.close();
		});
	};

	// No session memory cap, as grpc-js sets it: past the cap node refuses new streams outright.
	const server = createServer({ maxSessionMemory: Number.MAX_SAFE_INTEGER });
	const sessions = new Set<Http2Session>();
	server.on('session', (s: Http2Session) => {
		sessions.add(s);
		s.on('close', () => sessions.delete(s));
		s.on('error', () => {});
	});
	server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
		// A reset or broken stream is the client's business; it must not take the server down.
		stream.on('error', () => {});
		const contentType = headers['content-type'];
		if (headers[':method'] !== 'POST' || !contentType?.startsWith('application/grpc')) {
			stream.respond({ ':status': constants.HTTP_STATUS_UNSUPPORTED_MEDIA_TYPE }, TRAILERS_ONLY_OPTIONS);
			return;
		}
		const path = headers[':path'] ?? '';
		const m = table.get(path);
		if (!m) {
			stream.resume();
			return endWith(stream, unimplemented(path));
		}
		const reader = new MessageReader(maxMessage, headers['grpc-encoding'] as string | undefined);
		if (m.kind === 'unary') serveUnary(stream, m, tokenOf(headers), reader);
		else serveStream(stream, m, tokenOf(headers), reader);
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	return {
		port: (server.address() as AddressInfo).port,
		close: async () => {
			// Streams are cancelled (their sessions release the rooms) rather than waited for.
			const closed = new Promise<void>((resolve) => server.close(() => resolve()));
			for (const s of sessions) s.destroy();
			await closed;
		}
	};
}
