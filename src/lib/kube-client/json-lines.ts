/**
 * A watch response is a stream of JSON objects, one per line (`{"type":"ADDED","object":{...}}\n`),
 * and network chunks cut it anywhere: inside a line, inside a multi-byte UTF-8 character. The
 * splitter keeps the unfinished tail until its newline arrives.
 *
 * @module
 */

export class JsonLineSplitter {
	private tail = '';
	private readonly decoder = new TextDecoder();

	/** Feeds one chunk; returns the complete, non-blank lines it finished (without the newline). */
	push(chunk: Uint8Array | string): string[] {
		// `stream: true` keeps a character split across chunks for the next call.
		this.tail += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
		const parts = this.tail.split('\n');
		this.tail = parts.pop() ?? '';
		return parts.map((l) => l.trim()).filter((l) => l !== '');
	}

	/** The stream ended: the last line, if it had no newline. */
	end(): string[] {
		const rest = (this.tail + this.decoder.decode()).trim();
		this.tail = '';
		return rest ? [rest] : [];
	}
}
