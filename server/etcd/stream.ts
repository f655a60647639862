/**
 * The transport side of a server stream, as the watch and keep-alive sessions see it: the gRPC
 * server and the JSON gateway each provide one.
 *
 * @module
 */

export interface ResponseSink<T> {
	send(msg: T): void;
	/** Ends the stream with an error (a StoreError carries etcd's code and message). */
	fail(e: unknown): void;
	/** Ends the stream normally. */
	end(): void;
}

/** A session over one stream: requests in, responses to its sink. */
export interface StreamSession<Req> {
	receive(req: Req): void;
	/** The client sent its last request. */
	finish(): void;
	/** The stream is gone (either side); stop everything and release the room. */
	close(): void;
}

/**
 * Runs `open(caller)` once the stream's caller is known and feeds it the requests in arrival
 * order; requests that arrive before authentication finishes wait for it. An authentication
 * failure goes to `onAuthError` (which decides how the stream reports it).
 */
export function deferredSession<C, Req>(
	caller: Promise<C>,
	open: (c: C) => StreamSession<Req>,
	onAuthError: (e: unknown) => StreamSession<Req>
): StreamSession<Req> {
	let session: StreamSession<Req> | undefined;
	let closed = false;
	const ready = caller.then(
		(c) => {
			session = open(c);
			if (closed) session.close();
		},
		(e) => {
			session = onAuthError(e);
			if (closed) session.close();
		}
	);
	return {
		receive: (req) => void ready.then(() => !closed && session!.receive(req)),
		finish: () => void ready.then(() => !closed && session!.finish()),
		close: () => {
			if (closed) return;
			closed = true;
			session?.close();
		}
	};
}
