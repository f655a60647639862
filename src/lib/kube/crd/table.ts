/**
 * Table output of custom resources, as apiextensions' tableconvertor builds it: a `Name` column,
 * then the version's additionalPrinterColumns (kube's default is one `Age` column), each cell read
 * with the column's JSONPath and typed per the column: integers and numbers as numbers, `date`
 * as a human age (`5m`), `string` printed as kubectl's jsonpath prints values; a missing value is
 * an empty cell (null).
 *
 * JSONPath support: `.a.b`, `.a[0]`, `.a[*]` (first match), `['key.with.dots']`, and filters
 * `[?(@.type=="Ready")]`.
 *
 * @module
 */
import { since } from '../duration';
import { NAME, type TableColumnDefinition } from '../table-columns';
import type { RowPrinter } from '../table-rows';
import type { PrinterColumn } from './types';

type Step = { key: string } | { index: number } | { all: true } | { filter: string[]; value: string };

const STEP = /^(?:\.([^.[\]]+)|\[(\d+)\]|\[\*\]|\['([^']*)'\]|\[\?\(@((?:\.[^=!<>\s)]+)+)\s*==\s*(?:"([^"]*)"|'([^']*)'|([^)\s]+))\)\])/;

/** Parses a CRD column's JSONPath (without braces); undefined when not supported. */
export function parseJsonPath(path: string): Step[] | undefined {
	const steps: Step[] = [];
	let rest = path.trim().replace(/^\{|\}$/g, '').replace(/^\$/, '');
	while (rest) {
		const m = STEP.exec(rest);
		if (!m) return undefined;
		if (m[1] !== undefined) steps.push({ key: m[1] });
		else if (m[2] !== undefined) steps.push({ index: Number(m[2]) });
		else if (m[3] !== undefined) steps.push({ key: m[3] });
		else if (m[4] !== undefined) steps.push({ filter: m[4].slice(1).split('.'), value: m[5] ?? m[6] ?? m[7] });
		else steps.push({ all: true });
		rest = rest.slice(m[0].length);
	}
	return steps;
}

const get = (v: unknown, key: string): unknown => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined);

/** The first value `steps` reach in `obj` (undefined when none). */
export function evalJsonPath(obj: unknown, steps: Step[]): unknown {
	let cur: unknown[] = [obj];
	for (const s of steps) {
		const next: unknown[] = [];
		for (const v of cur) {
			if ('key' in s) {
				const x = get(v, s.key);
				if (x !== undefined) next.push(x);
			} else if ('index' in s) {
				if (Array.isArray(v) && s.index < v.length) next.push(v[s.index]);
			} else if ('all' in s) {
				if (Array.isArray(v)) next.push(...v);
				else if (v && typeof v === 'object') next.push(...Object.values(v));
			} else if (Array.isArray(v)) {
				for (const item of v) {
					const x = s.filter.reduce<unknown>((c, k) => get(c, k), item);
					if (x !== undefined && String(x) === s.value) next.push(item);
				}
			}
		}
		cur = next;
	}
	return cur[0];
}

/** kubectl's jsonpath text of a value (`PrintResults`): strings bare, everything else as JSON. */
function text(v: unknown): string {
	if (typeof v === 'string') return v;
	return JSON.stringify(v);
}

/** cellForJSONValue: the typed cell of a column. */
function cell(col: PrinterColumn, v: unknown, now: number): unknown {
	if (v === undefined || v === null) return null;
	switch (col.type) {
		case 'string':
			return text(v);
		case 'integer':
			return typeof v === 'number' ? Math.trunc(v) : null;
		case 'number':
			return typeof v === 'number' ? v : null;
		case 'boolean':
			return typeof v === 'boolean' ? v : null;
		case 'date':
			return typeof v === 'string' ? (Number.isNaN(Date.parse(v)) ? '<invalid>' : since(v, now)) : null;
	}
	return null;
}

/** The Table printer of a custom resource version with `columns`. */
export function customPrinter(columns: PrinterColumn[]): { columns: () => TableColumnDefinition[]; row: RowPrinter } {
	const paths = columns.map((c) => parseJsonPath(c.jsonPath));
	return {
		columns: () => [
			NAME(),
			...columns.map((c) => ({
				name: c.name,
				type: c.type,
				format: c.format ?? '',
				description: c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
				priority: c.priority ?? 0
			}))
		],
		row: (obj, now) => ({
			cells: [obj.metadata?.name ?? '', ...columns.map((c, i) => (paths[i] ? cell(c, evalJsonPath(obj, paths[i]!), now) : null))]
		})
	};
}
