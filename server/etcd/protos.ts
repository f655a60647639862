/**
 * etcd 3.4's protocol, loaded once from `proto/` (etcdserverpb, mvccpb, authpb, as in etcd).
 *
 * Two views of the same files:
 * - for gRPC (grpc-server.ts), a proto-loader package definition: keepCase (etcd's field names), int64 as decimal
 *   strings (lease ids and cluster ids go past 2^53, and a string is never silently rounded),
 *   bytes as Buffer, enums as names, defaults filled in, oneofs named by a virtual field;
 * - for the JSON gateway, protobufjs reflection (types, field kinds, enum values) to map proto3
 *   JSON the way etcd's grpc-gateway does.
 *
 * The hot methods (KV Range/Put/DeleteRange, Watch) use hand-written codecs (wire-codec.ts).
 * Every request deserializer also records the request's size in bytes, because etcd refuses
 * write requests above `--max-request-bytes` with its own error before applying them.
 *
 * @module
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as protoLoader from '@grpc/proto-loader';
import type { ServiceDefinition } from '@grpc/proto-loader';
import type * as Protobuf from 'protobufjs';
import { decodePutRequest, decodeRangeRequest, encodeDeleteRangeResponse, encodePutResponse, encodeRangeResponse, encodeWatchResponse } from './wire-codec';

const PROTO_DIR = join(dirname(fileURLToPath(import.meta.url)), 'proto');

export const LOADER_OPTIONS: protoLoader.Options = {
	keepCase: true,
	longs: String,
	enums: String,
	bytes: Buffer,
	defaults: true,
	oneofs: true,
	includeDirs: [PROTO_DIR]
};

/** Where a request's wire size is kept on the deserialized object. */
export const REQUEST_BYTES = Symbol('etcd.requestBytes');

/** The wire size of a deserialized request (0 when unknown). */
export function requestBytes(req: object): number {
	return (req as { [REQUEST_BYTES]?: number })[REQUEST_BYTES] ?? 0;
}

/** Hand-written codecs of the hot methods (wire-codec.ts); the others keep proto-loader's. */
const FAST_CODECS: Record<string, { decode?: (buf: Buffer) => object; encode?: (res: never, reserve?: number) => Buffer }> = {
	'KV.Range': { decode: decodeRangeRequest, encode: encodeRangeResponse },
	'KV.Put': { decode: decodePutRequest, encode: encodePutResponse },
	'KV.DeleteRange': { encode: encodeDeleteRangeResponse },
	'Watch.Watch': { encode: encodeWatchResponse }
};

let definition: protoLoader.PackageDefinition | undefined;

function packageDefinition(): protoLoader.PackageDefinition {
	return (definition ??= protoLoader.loadSync('rpc.proto', LOADER_OPTIONS));
}

export type ServiceName = 'KV' | 'Watch' | 'Lease' | 'Auth' | 'Maintenance' | 'Cluster';

const services = new Map<ServiceName, ServiceDefinition>();

/** A service of package etcdserverpb, with size-recording request deserializers. */
export function serviceDefinition(name: ServiceName): ServiceDefinition {
	const cached = services.get(name);
	if (cached) return cached;
	const def = packageDefinition()[`etcdserverpb.${name}`] as ServiceDefinition;
	const out: Record<string, ServiceDefinition[string]> = {};
	for (const [method, m] of Object.entries(def)) {
		const fast = FAST_CODECS[`${name}.${method}`];
		const decode = (fast?.decode ?? m.requestDeserialize) as (buf: Buffer) => object;
		out[method] = {
			...m,
			requestDeserialize: (buf: Buffer) => {
				const req = decode(buf) as Record<symbol, number>;
				req[REQUEST_BYTES] = buf.length;
				return req;
			},
			responseSerialize: (fast?.encode ? (res: never) => fast.encode!(res) : m.responseSerialize) as (res: unknown) => Buffer
		};
	}
	services.set(name, out as ServiceDefinition);
	return out as ServiceDefinition;
}

/**
 * The method's hand-written response encoder that leaves `reserve` bytes free in front of the
 * message (the gRPC server's frame prefix), if it has one.
 */
export function reservingEncoder(service: ServiceName, method: string): ((res: never, reserve: number) => Buffer) | undefined {
	const encode = FAST_CODECS[`${service}.${method}`]?.encode;
	return encode && ((res, reserve) => encode(res, reserve));
}

/** The method's request/response codecs (the gateway round-trips JSON requests through them). */
export function methodDefinition(service: ServiceName, method: string): ServiceDefinition[string] {
	return serviceDefinition(service)[method];
}

let root: Protobuf.Root | undefined;

/** protobufjs reflection over the same files (for the JSON mapping). */
export function reflection(): Protobuf.Root {
	if (root) return root;
	// protobufjs is proto-loader's own dependency: resolve it from there so both read one copy.
	const require = createRequire(createRequire(import.meta.url).resolve('@grpc/proto-loader'));
	const protobuf = require('protobufjs') as typeof Protobuf;
	const r = new protobuf.Root();
	r.resolvePath = (_origin, target) => join(PROTO_DIR, target.split('/').pop()!);
	r.loadSync('rpc.proto', { keepCase: true });
	r.resolveAll();
	return (root = r);
}

/** A message type by its full name, e.g. `etcdserverpb.RangeRequest`. */
export function messageType(fullName: string): Protobuf.Type {
	return reflection().lookupType(fullName);
}
