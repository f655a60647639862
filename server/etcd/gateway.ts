/**
 * etcd 3.4's JSON gateway (grpc-gateway v1) on converge's HTTP port: `POST /v3/...` with a
 * proto3-JSON body, same paths, same JSON, same errors:
 *
 * - unary: `200` + the response message, or `{"error","message","code"}` with the gRPC code's
 *   HTTP status;
 * - streams (`/v3/watch`, `/v3/lease/keepalive`): the body is read as a sequence of JSON requests,
 *   responses are newline-delimited `{"result":{...}}`; an error ends the stream with
 *   `{"error":{"grpc_code","http_code","message","http_status"}}`. A watch stays open until the
 *   client leaves; a keep-alive ends after the last request is answered.
 *
 * The auth token (from `/v3/auth/authenticate`) goes in `Authorization: <token>`, as with etcd
 * (a `Bearer ` prefix is accepted too), or in `Grpc-Metadata-Token`.
 *
 * @module
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type * as Protobuf from 'protobufjs';
import { GrpcCode, StoreError } from '../../src/lib/store/errors';
import { GRPC_OVERHEAD_BYTES, type EtcdContext } from './context';
import { firstJsonValue, fromJson, JsonMappingError, JsonValueSplitter, toJson } from './gateway-json';
import { gatewayRoutes, type AnyMsg, type StreamRoute, type UnaryRoute } from './gateway-routes';
import { methodDefinition, reflection, type ServiceName } from './protos';
import { httpStatusOf, statusOf, type EtcdStatus } from './status';
import { deferredSession, type ResponseSink } from './stream';

export class Gateway {
	private readonly routes: ReturnType<typeof gatewayRoutes>;
	/** Ends each open stream (on close). */
	private readonly open = new Set<() => void>();
	private readonly maxMessage: number;
	/** A base64 body is 4/3 of the bytes it carries; anything larger could never fit a message. */
	private readonly maxBody: number;

	constructor(private readonly ctx: EtcdContext) {
		this.routes = gatewayRoutes(ctx);
		this.maxMessage = ctx.options.maxRequestBytes + GRPC_OVERHEAD_BYTES;
		this.maxBody = Math.ceil((this.maxMessage * 4) / 3) + 64 * 1024;
	}

	/** Serves a `/v3/...` request. */
	handle(req: IncomingMessage, res: ServerResponse): void {
		const path = new URL(req.url ?? '/', 'http://localhost').pathname;
		const unary = this.routes.unary[path];
		const stream = this.routes.stream[path];
		if (!unary && !stream) return sendText(res, 404, 'Not Found');
		if (req.method !== 'POST') return sendText(res, 405, 'Method Not Allowed');
		if (stream) return this.serveStream(stream, req, res);
		void this.serveUnary(unary, req, res);
	}

	/** Ends the open streams. */
	close(): void {
		for (const finish of [...this.open]) finish();
	}

	/** JSON → proto-loader message, through the gRPC codec (defaults, wire size) like a gRPC call. */
	private decode(service: ServiceName, method: string, json: unknown): AnyMsg {
		const m = methodDefinition(service, method);
		const wire = m.requestSerialize(fromJson(methodType(service, method, 'request'), json));
		if (wire.length > this.maxMessage) throw tooLarge(wire.length, this.maxMessage);
		return m.requestDeserialize(wire);
	}

	/** Malformed JSON is InvalidArgument in a unary call, Unknown in a stream (grpc-gateway's choice). */
	private status(e: unknown, mappingCode: number): EtcdStatus {
		return e instanceof JsonMappingError ? { code: mappingCode, message: e.message } : statusOf(e, this.ctx.options.log);
	}

	private async serveUnary(route: UnaryRoute, req: IncomingMessage, res: ServerResponse): Promise<void> {
		try {
			const body = await readBody(req, this.maxBody);
			const msg = this.decode(route.service, route.method, firstJsonValue(body));
			const caller = route.service === 'Auth' ? undefined : await this.ctx.caller(tokenOf(req));
			const out = await route.run(caller, msg);
			sendJson(res, 200, toJson(methodType(route.service, route.method, 'response'), out as Record<string, unknown>));
		} catch (e) {
			sendError(res, this.status(e, GrpcCode.InvalidArgument));
		}
	}

	private serveStream(route: StreamRoute, req: IncomingMessage, res: ServerResponse): void {
		const out = new StreamWriter(res, methodType(route.service, route.method, 'response'), this.ctx.options.log);
		const session = deferredSession(
			this.ctx.caller(tokenOf(req)),
			(c) => route.open(c, out),
			(e) => route.refused(e, out)
		);
		const finish = () => {
			this.open.delete(finish);
			session.close();
			out.end();
		};
		out.onEnd = () => {
			this.open.delete(finish);
			session.close();
		};
		this.open.add(finish);
		const badBody = (e: unknown) => {
			if (out.started) return out.fail(new StoreError(GrpcCode.Unknown, (e as Error).message));
			out.abort(this.status(e, GrpcCode.Unknown));
		};
		const splitter = new JsonValueSplitter(this.maxBody);
		req.setEncoding('utf8');
		req.on('data', (chunk: string) => {
			try {
				for (const v of splitter.push(chunk)) session.receive(this.decode(route.service, route.method, v));
			} catch (e) {
				badBody(e);
			}
		});
		req.on('end', () => {
			try {
				splitter.end();
				session.finish();
			} catch (e) {
				badBody(e);
			}
		});
		res.on('close', () => out.gone());
	}
}

/** A streaming response: `{"result":…}` lines, an error line, or (before anything) a plain error. */
class StreamWriter implements ResponseSink<AnyMsg> {
	started = false;
	private ended = false;
	onEnd: () => void = () => {};

	constructor(
		private readonly res: ServerResponse,
		private readonly type: Protobuf.Type,
		private readonly log: (m: string) => void
	) {}

	send(m: AnyMsg): void {
		if (!this.ended) this.write(200, { result: toJson(this.type, m) });
	}

	fail(e: unknown): void {
		if (this.ended) return;
		const s = statusOf(e, this.log);
		const http = httpStatusOf(s.code);
		this.write(http, { error: { grpc_code: s.code, http_code: http, message: s.message, http_status: STATUS_CODES[http] } });
		this.end();
	}

	end(): void {
		if (this.ended) return;
		this.ended = true;
		if (!this.started) this.res.writeHead(200, { 'content-type': 'application/json' });
		this.res.end();
		this.onEnd();
	}

	/** The client left: write nothing more (a write after the end would be an error event). */
	gone(): void {
		if (this.ended) return;
		this.ended = true;
		this.onEnd();
	}

	/** Refuses the call before any result, the way a unary call fails. */
	abort(s: EtcdStatus): void {
		if (this.ended) return;
		this.ended = true;
		sendError(this.res, s);
		this.onEnd();
	}

	private write(status: number, obj: unknown): void {
		if (!this.started) this.res.writeHead(status, { 'content-type': 'application/json' });
		this.started = true;
		this.res.write(`${JSON.stringify(obj)}\n`);
	}
}

function methodType(service: ServiceName, method: string, side: 'request' | 'response'): Protobuf.Type {
	const m = reflection().lookupService(`etcdserverpb.${service}`).methods[method];
	return (side === 'request' ? m.resolvedRequestType : m.resolvedResponseType)!;
}

function tooLarge(size: number, max: number): StoreError {
	return new StoreError(GrpcCode.ResourceExhausted, `grpc: received message larger than max (${size} vs. ${max})`);
}

function tokenOf(req: IncomingMessage): string | undefined {
	const h = req.headers.authorization ?? (req.headers['grpc-metadata-token'] as string | undefined);
	return h?.replace(/^Bearer\s+/i, '') || undefined;
}

async function readBody(req: IncomingMessage, max: number): Promise<string> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size > max) throw tooLarge(size, max);
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
	const data = JSON.stringify(body);
	res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) });
	res.end(data);
}

function sendError(res: ServerResponse, s: EtcdStatus): void {
	sendJson(res, httpStatusOf(s.code), { error: s.message, message: s.message, code: s.code });
}

function sendText(res: ServerResponse, status: number, text: string): void {
	res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
	res.end(`${text}\n`);
}
