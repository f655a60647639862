/**
 * The control plane's requests handed to the kube API handler inside the process: the same
 * handler, URL, headers and body bytes as over the loopback port, without a socket or an HTTP
 * parser on either side. At 10,000 pods the controllers, scheduler and kubelets make some
 * 100,000 requests, and the TCP + HTTP framing of each cost about as much CPU as the handler's
 * own work. The request is a Readable with `method`, `url` and lower-cased `headers`, the
 * response a Writable with `writeHead`/`setHeader`/`flushHeaders` like a ServerResponse; the
 * handler starts on the next turn, as it would when a socket's data arrived, so nothing it does
 * runs inside the caller's stack.
 *
 * @module
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Readable, Writable } from 'node:stream';

/** What the API's handler is: the loopback server's request listener. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface ResponseSink {
	/** The status line and headers went out (writeHead, flushHeaders or the first write). */
	head?(status: number): void;
	/** A chunk of the body, as the handler wrote it. */
	data(chunk: string | Buffer): void;
	/** The response ended (`complete`) or was cut (destroyed before its end). */
	end(complete: boolean): void;
}

class InProcessRequest extends Readable {
	readonly httpVersion = '1.1';
	readonly httpVersionMajor = 1;
	readonly httpVersionMinor = 1;
	readonly complete = true;
	readonly socket = { remoteAddress: '127.0.0.1', remotePort: 0, encrypted: false };

	constructor(
		readonly method: string,
		readonly url: string,
		readonly headers: Record<string, string>,
		body: Buffer | undefined
	) {
		// Like IncomingMessage: 'close' means the client went away, not that the body was read.
		super({ autoDestroy: false });
		if (body?.length) this.push(body);
		this.push(null);
	}

	_read(): void {}
}

class InProcessResponse extends Writable {
	statusCode = 200;
	statusMessage = '';
	headersSent = false;
	private headerMap = new Map<string, number | string | string[]>();

	constructor(private readonly sink: ResponseSink) {
		// Strings go through as strings: the client parses JSON text, no Buffer round trip.
		super({ decodeStrings: false });
		this.once('finish', () => sink.end(true));
		this.once('close', () => {
			if (!this.writableFinished) sink.end(false);
		});
	}

	setHeader(name: string, value: number | string | readonly string[]): this {
		this.headerMap.set(name.toLowerCase(), value as string);
		return this;
	}

	getHeader(name: string): number | string | string[] | undefined {
		return this.headerMap.get(name.toLowerCase());
	}

	getHeaders(): OutgoingHttpHeaders {
		return Object.fromEntries(this.headerMap);
	}

	hasHeader(name: string): boolean {
		return this.headerMap.has(name.toLowerCase());
	}

	removeHeader(name: string): void {
		this.headerMap.delete(name.toLowerCase());
	}

	writeHead(code: number, message?: string | OutgoingHttpHeaders, headers?: OutgoingHttpHeaders): this {
		this.statusCode = code;
		const h = typeof message === 'object' ? message : headers;
		if (typeof message === 'string') this.statusMessage = message;
		for (const [k, v] of Object.entries(h ?? {})) if (v !== undefined) this.setHeader(k, v as string);
		this.sendHead();
		return this;
	}

	flushHeaders(): void {
		this.sendHead();
	}

	_write(chunk: string | Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
		this.sendHead();
		this.sink.data(chunk);
		callback();
	}

	_final(callback: (error?: Error | null) => void): void {
		this.sendHead();
		callback();
	}

	private sendHead(): void {
		if (this.headersSent) return;
		this.headersSent = true;
		this.sink.head?.(this.statusCode);
	}
}

export interface InProcessCall {
	/** Cuts the request (the client went away): both sides see 'close'. */
	abort(): void;
}

/** Hands one request to `handler` on the next turn; the response comes to `sink`. */
export function inProcessRequest(handler: RequestHandler, method: string, url: string, headers: Record<string, string>, body: Buffer | undefined, sink: ResponseSink): InProcessCall {
	const req = new InProcessRequest(method, url, { ...headers, host: '127.0.0.1', ...(body ? { 'content-length': String(body.length) } : {}) }, body);
	const res = new InProcessResponse(sink);
	let aborted = false;
	setImmediate(() => {
		if (!aborted) handler(req as unknown as IncomingMessage, res as unknown as ServerResponse);
	});
	return {
		abort() {
			if (aborted) return;
			aborted = true;
			req.destroy();
			res.destroy();
		}
	};
}
