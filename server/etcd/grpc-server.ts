/**
 * The etcd v3 gRPC server: KV, Watch, Lease, Auth.Authenticate and Maintenance over every room,
 * on one port. The room (and role) of a call comes from its auth token (metadata `token`, or
 * `authorization` as etcd also accepts). Methods converge does not serve (cluster membership,
 * user management, snapshots) answer UNIMPLEMENTED.
 *
 * Messages up to --max-request-bytes + 512 KiB are received, like etcd; write requests above
 * --max-request-bytes get "etcdserver: request is too large" from the services.
 *
 * @module
 */
import * as grpc from '@grpc/grpc-js';
import { authService } from './auth-service';
import { GRPC_OVERHEAD_BYTES, type Caller, type EtcdContext } from './context';
import { kvService } from './kv-service';
import { KeepAliveSession, leaseService, refusedKeepAliveSession } from './lease-service';
import { maintenanceService } from './maintenance-service';
import { serviceDefinition } from './protos';
import { statusOf } from './status';
import { deferredSession, type ResponseSink, type StreamSession } from './stream';
import { refusedWatchSession, WatchSession } from './watch-service';

export interface EtcdGrpcServer {
	/** The port bound (useful when 0 was asked). */
	port: number;
	close(): Promise<void>;
}

/** The auth token of a call: etcd reads metadata `token`, then `authorization`. */
function tokenOf(md: grpc.Metadata): string | undefined {
	const v = md.get('token')[0] ?? md.get('authorization')[0];
	return v === undefined ? undefined : String(v);
}

function toServiceError(ctx: EtcdContext, e: unknown): Partial<grpc.StatusObject> {
	const s = statusOf(e, ctx.options.log);
	return { code: s.code, details: s.message };
}

/** A unary method of an authenticated caller. */
function unary<Req, Res>(ctx: EtcdContext, fn: (c: Caller, req: Req) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
	return (call, callback) => {
		ctx
			.caller(tokenOf(call.metadata))
			.then((c) => fn(c, call.request))
			.then(
				(res) => callback(null, res),
				(e) => callback(toServiceError(ctx, e))
			);
	};
}

/** A bidirectional stream run by a session once its caller is known. */
function duplex<Req, Res>(
	ctx: EtcdContext,
	open: (c: Caller, sink: ResponseSink<Res>) => StreamSession<Req>,
	refused: (e: unknown, sink: ResponseSink<Res>) => StreamSession<Req>
): grpc.handleBidiStreamingCall<Req, Res> {
	return (call) => {
		let done = false;
		const sink: ResponseSink<Res> = {
			send: (m) => void (!done && call.write(m)),
			fail: (e) => {
				if (done) return;
				done = true;
				// grpc-js ends a server stream with the status of an emitted error.
				call.emit('error', toServiceError(ctx, e));
			},
			end: () => {
				if (done) return;
				done = true;
				call.end();
			}
		};
		const session = deferredSession(
			ctx.caller(tokenOf(call.metadata)),
			(c) => open(c, sink),
			(e) => refused(e, sink)
		);
		call.on('data', (req: Req) => session.receive(req));
		call.on('end', () => session.finish());
		// However the call ends (client cancel, error, our end), nothing more is written to it.
		for (const ev of ['cancelled', 'error', 'close', 'finish'])
			call.on(ev, () => {
				done = true;
				session.close();
			});
	};
}

/** Starts the server on host:port; rejects when the address cannot be bound. */
export async function startGrpcServer(ctx: EtcdContext, host: string, port: number): Promise<EtcdGrpcServer> {
	const server = new grpc.Server({
		'grpc.max_receive_message_length': ctx.options.maxRequestBytes + GRPC_OVERHEAD_BYTES,
		// channelz (per-call counters and timestamps) is a debugging service nobody queries here.
		'grpc.enable_channelz': 0
	});
	const kv = kvService(ctx);
	server.addService(serviceDefinition('KV'), {
		Range: unary(ctx, kv.Range),
		Put: unary(ctx, kv.Put),
		DeleteRange: unary(ctx, kv.DeleteRange),
		Txn: unary(ctx, kv.Txn),
		Compact: unary(ctx, kv.Compact)
	});
	server.addService(serviceDefinition('Watch'), {
		Watch: duplex(
			ctx,
			(c, sink) => new WatchSession(c, sink, ctx.options.progressNotifyMs),
			refusedWatchSession
		)
	});
	server.addService(serviceDefinition('Lease'), {
		LeaseGrant: unary(ctx, leaseService.LeaseGrant),
		LeaseRevoke: unary(ctx, leaseService.LeaseRevoke),
		LeaseTimeToLive: unary(ctx, leaseService.LeaseTimeToLive),
		LeaseLeases: unary(ctx, leaseService.LeaseLeases),
		LeaseKeepAlive: duplex(
			ctx,
			(c, sink) => new KeepAliveSession(c, sink),
			refusedKeepAliveSession
		)
	});
	const auth = authService(ctx);
	server.addService(serviceDefinition('Auth'), {
		Authenticate: ((call, callback) => {
			auth.Authenticate(call.request).then(
				(res) => callback(null, res),
				(e) => callback(toServiceError(ctx, e))
			);
		}) as grpc.handleUnaryCall<{ name: string; password: string }, unknown>
	});
	server.addService(serviceDefinition('Maintenance'), {
		Status: unary(ctx, maintenanceService.Status),
		Alarm: unary(ctx, maintenanceService.Alarm),
		Defragment: unary(ctx, maintenanceService.Defragment)
	});

	const bound = await new Promise<number>((resolve, reject) =>
		server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p)))
	);
	return {
		port: bound,
		close: async () => {
			// Streams are cancelled (their sessions release the rooms) rather than waited for.
			server.forceShutdown();
		}
	};
}
