/**
 * A scanner for one JSON value with Go's encoding/json error messages, which etcd's gateway
 * passes through ("invalid character 'o' in literal null (expecting 'u')"). The gateway reads
 * bodies like Go's json.Decoder: the first value counts, what follows it is ignored, and a value
 * cut short is "unexpected EOF".
 *
 * @module
 */

/** Malformed JSON; `eof` when the input ended inside a value (more may still arrive). */
export class GoJsonError extends Error {
	constructor(
		message: string,
		readonly eof: boolean
	) {
		super(message);
	}
}

/** Go's quoteChar: `'x'`, with `'\''` and `'"'` special-cased. */
function quote(c: string): string {
	if (c === "'") return `'\\''`;
	if (c === '"') return `'"'`;
	const code = c.charCodeAt(0);
	if (code < 0x20) return `'${JSON.stringify(c).slice(1, -1)}'`;
	return `'${c}'`;
}

/** The index just past the JSON value starting at `from` (after whitespace); throws GoJsonError. */
export function scanJsonValue(text: string, from = 0): number {
	let i = from;
	const fail = (context: string): never => {
		if (i >= text.length) throw new GoJsonError('unexpected EOF', true);
		throw new GoJsonError(`invalid character ${quote(text[i])} ${context}`, false);
	};
	const ws = () => {
		while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
	};
	const literal = (word: string) => {
		for (let j = 0; j < word.length; j++, i++) if (text[i] !== word[j]) fail(`in literal ${word} (expecting ${quote(word[j])})`);
	};
	const digits = () => {
		while (i < text.length && text[i] >= '0' && text[i] <= '9') i++;
	};
	const number = () => {
		if (text[i] === '-') i++;
		if (text[i] === '0') i++;
		else if (text[i] >= '1' && text[i] <= '9') digits();
		else fail('in numeric literal');
		if (text[i] === '.') {
			i++;
			if (!(text[i] >= '0' && text[i] <= '9')) fail('after decimal point in numeric literal');
			digits();
		}
		if (text[i] === 'e' || text[i] === 'E') {
			i++;
			if (text[i] === '+' || text[i] === '-') i++;
			if (!(text[i] >= '0' && text[i] <= '9')) fail('in exponent of numeric literal');
			digits();
		}
	};
	const string = () => {
		i++;
		for (;;) {
			if (i >= text.length) fail('');
			const c = text[i];
			if (c === '"') return void i++;
			if (c.charCodeAt(0) < 0x20) fail('in string literal');
			if (c === '\\') {
				i++;
				if (text[i] === 'u') {
					for (let j = 0; j < 4; j++) {
						i++;
						if (!/[0-9a-fA-F]/.test(text[i] ?? '')) fail('in \\u hexadecimal character escape');
					}
				} else if (!'"\\/bfnrt'.includes(text[i] ?? '') || i >= text.length) fail('in string escape code');
			}
			i++;
		}
	};
	const value = (): void => {
		ws();
		const c = text[i];
		if (c === '{') {
			i++;
			ws();
			if (text[i] === '}') return void i++;
			for (;;) {
				ws();
				if (text[i] !== '"') fail('looking for beginning of object key string');
				string();
				ws();
				if (text[i] !== ':') fail('after object key');
				i++;
				value();
				ws();
				if (text[i] === ',') i++;
				else if (text[i] === '}') return void i++;
				else fail('after object key:value pair');
			}
		}
		if (c === '[') {
			i++;
			ws();
			if (text[i] === ']') return void i++;
			for (;;) {
				value();
				ws();
				if (text[i] === ',') i++;
				else if (text[i] === ']') return void i++;
				else fail('after array element');
			}
		}
		if (c === '"') return string();
		if (c === 't') return literal('true');
		if (c === 'f') return literal('false');
		if (c === 'n') return literal('null');
		if (c === '-' || (c >= '0' && c <= '9')) return number();
		fail('looking for beginning of value');
	};
	value();
	return i;
}
