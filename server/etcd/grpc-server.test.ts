import { connect, type ClientHttp2Session } from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ETCD_OPTIONS, EtcdContext } from './context';
import { frame } from './grpc-framing';
import { startGrpcServer, type EtcdGrpcServer } from './grpc-server';

/** No rooms at all: every token and every credential is refused, which is all these tests need. */
const noRooms = { get: async () => undefined } as never;

interface Answer {
	status: number;
	contentType?: string;
	grpcStatus?: string;
	grpcMessage?: string;
	/** Whether grpc-status came in the response headers (a trailers-only response). */
	trailersOnly: boolean;
}

function call(session: ClientHttp2Session, path: string, body: Buffer, headers: Record<string, string> = {}): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const req = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers', ...headers });
		const out: Answer = { status: 0, trailersOnly: false };
		req.on('response', (h) => {
			out.status = Number(h[':status']);
			out.contentType = h['content-type'] as string | undefined;
			if (h['grpc-status'] !== undefined) {
				out.trailersOnly = true;
				out.grpcStatus = String(h['grpc-status']);
				out.grpcMessage = decodeURI(String(h['grpc-message'] ?? ''));
			}
		});
		req.on('trailers', (t) => {
			out.grpcStatus = String(t['grpc-status']);
			out.grpcMessage = decodeURI(String(t['grpc-message'] ?? ''));
		});
		req.on('data', () => {});
		req.on('error', reject);
		req.on('close', () => resolve(out));
		req.end(body);
	});
}

/** Authenticate{name: "nope", password: "x"} by hand: fields 1 and 2, strings. */
const authenticate = frame(Buffer.from([0x0a, 4, ...Buffer.from('nope'), 0x12, 1, 0x78]));
/** RangeRequest{key: "a"}. */
const range = frame(Buffer.from([0x0a, 1, 0x61]));

describe('etcd gRPC server on node:http2', () => {
	let server: EtcdGrpcServer;
	let session: ClientHttp2Session;

	beforeAll(async () => {
		server = await startGrpcServer(new EtcdContext(noRooms, { ...DEFAULT_ETCD_OPTIONS, maxRequestBytes: 1024 }), '127.0.0.1', 0);
		session = connect(`http://127.0.0.1:${server.port}`);
	});

	afterAll(async () => {
		session.close();
		await server.close();
	});

	it('answers a refused call with a trailers-only response carrying etcd’s code and message', async () => {
		expect(await call(session, '/etcdserverpb.Auth/Authenticate', authenticate)).toEqual({
			status: 200,
			contentType: 'application/grpc',
			trailersOnly: true,
			grpcStatus: '3',
			grpcMessage: 'etcdserver: authentication failed, invalid user ID or password'
		});
		const noToken = await call(session, '/etcdserverpb.KV/Range', range);
		expect([noToken.grpcStatus, noToken.grpcMessage]).toEqual(['3', 'etcdserver: user name is empty']);
		const badToken = await call(session, '/etcdserverpb.KV/Range', range, { token: 'room.e.mac' });
		expect([badToken.grpcStatus, badToken.grpcMessage]).toEqual(['16', 'etcdserver: invalid auth token']);
	});

	it('answers methods it does not serve with Unimplemented, in grpc-go’s words', async () => {
		const cluster = await call(session, '/etcdserverpb.Cluster/MemberList', frame(Buffer.alloc(0)));
		expect([cluster.grpcStatus, cluster.grpcMessage]).toEqual(['12', 'unknown service etcdserverpb.Cluster']);
		const snapshot = await call(session, '/etcdserverpb.Maintenance/Snapshot', frame(Buffer.alloc(0)));
		expect([snapshot.grpcStatus, snapshot.grpcMessage]).toEqual(['12', 'unknown method Snapshot for service etcdserverpb.Maintenance']);
	});

	it('refuses a message above --max-request-bytes + 512 KiB from its prefix', async () => {
		const max = 1024 + 512 * 1024;
		const head = Buffer.from([0, 0, 0, 0, 0]);
		head.writeUInt32BE(max + 1, 1);
		const r = await call(session, '/etcdserverpb.KV/Put', head);
		expect([r.grpcStatus, r.grpcMessage]).toEqual(['8', `grpc: received message larger than max (${max + 1} vs. ${max})`]);
	});

	it('answers a malformed request with Internal, and a request that is not gRPC with 415', async () => {
		const r = await call(session, '/etcdserverpb.KV/Range', frame(Buffer.from([0x0a, 9, 1])), { token: 'x' });
		expect(r.grpcStatus).toBe('13');
		expect(r.grpcMessage).toMatch(/^grpc: error unmarshalling request: /);
		expect((await call(session, '/etcdserverpb.KV/Range', range, { 'content-type': 'application/json' })).status).toBe(415);
	});
});
