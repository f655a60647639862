/**
 * converge's etcd v3 API: the gRPC server (its own port, `ETCD_PORT`) and the JSON gateway
 * (`/v3/...` on the HTTP port), both over the rooms' stores. Each room is an etcd "cluster":
 * authenticate with user = room id, password = the room's editor or viewer token.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config';
import type { RoomRegistry } from '../rooms/registry';
import { DEFAULT_ETCD_OPTIONS, EtcdContext, type EtcdOptions } from './context';
import { Gateway } from './gateway';
import { startGrpcServer, type EtcdGrpcServer } from './grpc-server';

export interface EtcdApi {
	/** The gRPC port, or undefined when it could not be bound (the gateway still works). */
	port: number | undefined;
	/** Serves a `/v3/...` HTTP request (the JSON gateway). */
	handle(req: IncomingMessage, res: ServerResponse): void;
	close(): Promise<void>;
}

export async function startEtcdApi(rooms: RoomRegistry, config: Config, options: Partial<EtcdOptions> = {}): Promise<EtcdApi> {
	const ctx = new EtcdContext(rooms, { ...DEFAULT_ETCD_OPTIONS, log: config.log, ...options });
	const gateway = new Gateway(ctx);
	let grpc: EtcdGrpcServer | undefined;
	try {
		grpc = await startGrpcServer(ctx, config.etcdHost, config.etcdPort);
	} catch (e) {
		// Not fatal: the rest of converge works without it, and test servers sharing the default
		// port would otherwise fail to start. The log says how to fix it.
		config.log(`etcd API: cannot listen on ${config.etcdHost}:${config.etcdPort} (${(e as Error).message}); set ETCD_PORT (0 = any free port)`);
	}
	if (grpc) config.log(`etcd API on ${config.etcdHost}:${grpc.port} (gRPC) and /v3/ (JSON gateway)`);
	return {
		port: grpc?.port,
		handle: (req, res) => gateway.handle(req, res),
		close: async () => {
			gateway.close();
			await grpc?.close();
		}
	};
}
