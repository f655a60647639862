/**
 * Fixtures shared by the editor extensions' unit tests (not imported by the app).
 *
 * @module
 */

/** Splits a `|` cursor marker out of a fixture: the text without it and the cursor's offset. */
export function cursor(src: string): { text: string; pos: number } {
	const pos = src.indexOf('|');
	if (pos < 0) throw new Error('fixture has no | cursor');
	return { text: src.slice(0, pos) + src.slice(pos + 1), pos };
}

/** A Deployment with the header written; `body` follows `kind:`. */
export const deployment = (body: string) => `apiVersion: apps/v1\nkind: Deployment\n${body}`;
