/**
 * The JSON gateway's paths: etcd 3.4's google.api.http bindings (rpc.proto), each naming the
 * gRPC method whose messages it carries and the service function that serves it.
 *
 * @module
 */
import { authService } from './auth-service';
import type { Caller, EtcdContext } from './context';
import { kvService } from './kv-service';
import { KeepAliveSession, leaseService, refusedKeepAliveSession } from './lease-service';
import { maintenanceService } from './maintenance-service';
import type { ServiceName } from './protos';
import type { ResponseSink, StreamSession } from './stream';
import { refusedWatchSession, WatchSession } from './watch-service';

/** Messages are proto-loader objects; each route's service function knows its own shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyMsg = any;

export interface UnaryRoute {
	service: ServiceName;
	method: string;
	/** Authenticate is the only call served without a caller. */
	run(c: Caller | undefined, req: AnyMsg): Promise<object>;
}

export interface StreamRoute {
	service: ServiceName;
	method: string;
	open(c: Caller, sink: ResponseSink<AnyMsg>): StreamSession<AnyMsg>;
	refused(e: unknown, sink: ResponseSink<AnyMsg>): StreamSession<AnyMsg>;
}

export function gatewayRoutes(ctx: EtcdContext): { unary: Record<string, UnaryRoute>; stream: Record<string, StreamRoute> } {
	const kv = kvService(ctx);
	const auth = authService(ctx);
	const route = (service: ServiceName, method: string, fn: (c: Caller, req: AnyMsg) => Promise<object>): UnaryRoute => ({
		service,
		method,
		run: (c, req) => fn(c!, req)
	});
	const unary: Record<string, UnaryRoute> = {
		'/v3/kv/range': route('KV', 'Range', kv.Range),
		'/v3/kv/put': route('KV', 'Put', kv.Put),
		'/v3/kv/deleterange': route('KV', 'DeleteRange', kv.DeleteRange),
		'/v3/kv/txn': route('KV', 'Txn', kv.Txn),
		'/v3/kv/compaction': route('KV', 'Compact', kv.Compact),
		'/v3/lease/grant': route('Lease', 'LeaseGrant', leaseService.LeaseGrant),
		'/v3/lease/revoke': route('Lease', 'LeaseRevoke', leaseService.LeaseRevoke),
		'/v3/kv/lease/revoke': route('Lease', 'LeaseRevoke', leaseService.LeaseRevoke),
		'/v3/lease/timetolive': route('Lease', 'LeaseTimeToLive', leaseService.LeaseTimeToLive),
		'/v3/kv/lease/timetolive': route('Lease', 'LeaseTimeToLive', leaseService.LeaseTimeToLive),
		'/v3/lease/leases': route('Lease', 'LeaseLeases', leaseService.LeaseLeases),
		'/v3/kv/lease/leases': route('Lease', 'LeaseLeases', leaseService.LeaseLeases),
		'/v3/auth/authenticate': { service: 'Auth', method: 'Authenticate', run: (_c, req) => auth.Authenticate(req) },
		'/v3/maintenance/status': route('Maintenance', 'Status', maintenanceService.Status),
		'/v3/maintenance/alarm': route('Maintenance', 'Alarm', maintenanceService.Alarm),
		'/v3/maintenance/defragment': route('Maintenance', 'Defragment', maintenanceService.Defragment)
	};
	const stream: Record<string, StreamRoute> = {
		'/v3/watch': {
			service: 'Watch',
			method: 'Watch',
			open: (c, sink) => new WatchSession(c, sink, ctx.options.progressNotifyMs),
			refused: refusedWatchSession
		},
		'/v3/lease/keepalive': {
			service: 'Lease',
			method: 'LeaseKeepAlive',
			open: (c, sink) => new KeepAliveSession(c, sink),
			refused: refusedKeepAliveSession
		}
	};
	return { unary, stream };
}
