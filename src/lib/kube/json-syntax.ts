/**
 * Go's encoding/json syntax errors for text that JSON.parse refused, so a malformed body gets the
 * message kube-apiserver would send (`invalid character '}' looking for beginning of object key
 * string`, `unexpected end of JSON input`). A small port of Go's scanner states; run only after
 * a parse failed. Also the nesting-depth scan that bounds what a body may make the server recurse.
 *
 * @module
 */

/** Go's quoteChar: `'x'`, `'\''`, `'"'`, `'\n'`. */
function quoteChar(c: string): string {
	if (c === "'") return "'\\''";
	if (c === '"') return "'\"'";
	const q = JSON.stringify(c);
	return `'${q.slice(1, -1)}'`;
}

const WS = new Set([' ', '\t', '\r', '\n']);

class Scanner {
	private i = 0;
	constructor(private readonly s: string) {}

	private fail(c: string | undefined, context: string): never {
		throw new Error(c === undefined ? 'unexpected end of JSON input' : `invalid character ${quoteChar(c)} ${context}`);
	}
	private ws(): void {
		while (this.i < this.s.length && WS.has(this.s[this.i])) this.i++;
	}
	private peek(): string | undefined {
		return this.i < this.s.length ? this.s[this.i] : undefined;
	}

	run(): void {
		this.ws();
		this.value('looking for beginning of value');
		this.ws();
		if (this.i < this.s.length) this.fail(this.s[this.i], 'after top-level value');
	}

	private value(context: string): void {
		const c = this.peek();
		if (c === '{') return this.object();
		if (c === '[') return this.array();
		if (c === '"') return this.string();
		if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
		if (c === 't') return this.literal('true');
		if (c === 'f') return this.literal('false');
		if (c === 'n') return this.literal('null');
		this.fail(c, context);
	}

	private object(): void {
		this.i++;
		this.ws();
		if (this.peek() === '}') {
			this.i++;
			return;
		}
		for (;;) {
			this.ws();
			if (this.peek() !== '"') this.fail(this.peek(), 'looking for beginning of object key string');
			this.string();
			this.ws();
			if (this.peek() !== ':') this.fail(this.peek(), 'after object key');
			this.i++;
			this.ws();
			this.value('looking for beginning of value');
			this.ws();
			const c = this.peek();
			if (c === ',') {
				this.i++;
				continue;
			}
			if (c === '}') {
				this.i++;
				return;
			}
			this.fail(c, 'after object key:value pair');
		}
	}

	private array(): void {
		this.i++;
		this.ws();
		if (this.peek() === ']') {
			this.i++;
			return;
		}
		for (;;) {
			this.ws();
			this.value('looking for beginning of value');
			this.ws();
			const c = this.peek();
			if (c === ',') {
				this.i++;
				continue;
			}
			if (c === ']') {
				this.i++;
				return;
			}
			this.fail(c, 'after array element');
		}
	}

	private string(): void {
		this.i++;
		for (;;) {
			const c = this.peek();
			if (c === undefined) this.fail(c, '');
			this.i++;
			if (c === '"') return;
			if (c < ' ') this.fail(c, 'in string literal');
			if (c === '\\') {
				const e = this.peek();
				if (e === undefined) this.fail(e, '');
				this.i++;
				if (e === 'u') {
					for (let k = 0; k < 4; k++) {
						const h = this.peek();
						if (h === undefined) this.fail(h, '');
						if (!/[0-9a-fA-F]/.test(h)) this.fail(h, 'in \\u hexadecimal character escape');
						this.i++;
					}
				} else if (!'"\\/bfnrt'.includes(e)) this.fail(e, 'in string escape code');
			}
		}
	}

	private number(): void {
		const digits = () => {
			while (this.peek() !== undefined && this.peek()! >= '0' && this.peek()! <= '9') this.i++;
		};
		if (this.peek() === '-') {
			this.i++;
			const c = this.peek();
			if (c === undefined || c < '0' || c > '9') this.fail(c, 'in numeric literal');
		}
		if (this.peek() === '0') this.i++;
		else digits();
		if (this.peek() === '.') {
			this.i++;
			const c = this.peek();
			if (c === undefined || c < '0' || c > '9') this.fail(c, 'after decimal point in numeric literal');
			digits();
		}
		if (this.peek() === 'e' || this.peek() === 'E') {
			this.i++;
			if (this.peek() === '+' || this.peek() === '-') this.i++;
			const c = this.peek();
			if (c === undefined || c < '0' || c > '9') this.fail(c, 'in exponent of numeric literal');
			digits();
		}
	}

	private literal(word: string): void {
		for (let k = 0; k < word.length; k++) {
			const c = this.peek();
			if (c !== word[k]) this.fail(c, `in literal ${word} (expecting ${quoteChar(word[k])})`);
			this.i++;
		}
	}
}

/** Go's syntax error message for `text`, or undefined when it is valid JSON. */
export function goJsonSyntaxError(text: string): string | undefined {
	try {
		new Scanner(text).run();
		return undefined;
	} catch (e) {
		return (e as Error).message;
	}
}

/** The deepest nesting of arrays and objects in JSON text (strings skipped); linear time. */
export function jsonDepth(text: string): number {
	let depth = 0;
	let max = 0;
	let inString = false;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (inString) {
			if (c === 92) i++;
			else if (c === 34) inString = false;
			continue;
		}
		if (c === 34) inString = true;
		else if (c === 123 || c === 91) max = Math.max(max, ++depth);
		else if (c === 125 || c === 93) depth--;
	}
	return max;
}

/** kube's summarizeData: the first 30 bytes of a body for decode errors (`{"a":1 ...`). */
export function summarizeBody(body: string, max = 30): string {
	if (!body) return '<empty>';
	if (body[0] === '{') return body.length > max ? `${body.slice(0, max)} ...` : body;
	const bytes = new TextEncoder().encode(body).subarray(0, max);
	const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
	return body.length > max ? `${hex} ...` : hex;
}
