/**
 * Benchmark results in the shared format (DESIGN.md): each benchmark writes
 * `bench/results/<name>.json` = `{ name, when, machine: { cpus, memGiB, node }, rows }` and prints
 * the rows as a table.
 *
 * A row compares `ours` with a `reference` (measured in the same run when one exists, otherwise a
 * published figure named in `referenceName` with its source) and with a `goal`. `ratio` is
 * ours / reference; `met` says whether the goal holds (null when a row has no goal).
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Better = 'higher' | 'lower';

export interface Row {
	metric: string;
	unit: string;
	ours: number;
	reference: number | null;
	referenceName: string | null;
	ratio: number | null;
	goal: number | null;
	better: Better;
	met: boolean | null;
}

export interface Machine {
	cpus: number;
	memGiB: number;
	node: string;
}

export interface Report {
	name: string;
	when: string;
	machine: Machine;
	rows: Row[];
	/** Optional free-text remarks (machine load, settings, caveats), printed below the table. */
	notes?: string[];
}

export interface RowSpec {
	metric: string;
	unit: string;
	ours: number;
	better: Better;
	goal?: number;
	reference?: number;
	referenceName?: string;
}

export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

/** A row with `ratio` and `met` computed. */
export function row(spec: RowSpec): Row {
	const reference = spec.reference ?? null;
	const goal = spec.goal ?? null;
	const ratio = reference !== null && reference !== 0 ? round(spec.ours / reference, 3) : null;
	const met = goal === null ? null : spec.better === 'lower' ? spec.ours <= goal : spec.ours >= goal;
	return {
		metric: spec.metric,
		unit: spec.unit,
		ours: round(spec.ours, 3),
		reference,
		referenceName: spec.referenceName ?? null,
		ratio,
		goal,
		better: spec.better,
		met
	};
}

export function machine(): Machine {
	return { cpus: cpus().length, memGiB: round(totalmem() / 1024 ** 3, 1), node: process.version };
}

function round(n: number, digits: number): number {
	const f = 10 ** digits;
	return Math.round(n * f) / f;
}

/** Writes `bench/results/<name>.json` and prints the table; returns the report. */
export function writeReport(name: string, rows: Row[], dir = RESULTS_DIR, notes?: string[]): Report {
	const report: Report = { name, when: new Date().toISOString(), machine: machine(), rows, ...(notes?.length ? { notes } : {}) };
	mkdirSync(dir, { recursive: true });
	const file = join(dir, `${name}.json`);
	writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
	console.log(formatTable(report));
	console.log(`\nwritten to ${file}`);
	return report;
}

const fmt = (v: number | boolean | string | null): string => {
	if (v === null) return '—';
	if (typeof v === 'boolean') return v ? 'yes' : 'NO';
	if (typeof v === 'number') return Math.abs(v) >= 1000 ? v.toFixed(0) : String(Number(v.toPrecision(4)));
	return v;
};

/** The report as a plain-text table (one line per row, reference names listed below it). */
export function formatTable(report: Report): string {
	const head = ['metric', 'unit', 'ours', 'reference', 'ratio', 'goal', 'better', 'met'];
	const names: string[] = [];
	const body = report.rows.map((r) => {
		let ref = fmt(r.reference);
		if (r.referenceName) {
			let i = names.indexOf(r.referenceName);
			if (i < 0) i = names.push(r.referenceName) - 1;
			ref += ` [${i + 1}]`;
		}
		return [r.metric, r.unit, fmt(r.ours), ref, fmt(r.ratio), fmt(r.goal), r.better, fmt(r.met)];
	});
	const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
	const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
	const m = report.machine;
	return [
		`${report.name} — ${report.when} — ${m.cpus} CPUs, ${m.memGiB} GiB, Node ${m.node}`,
		line(head),
		line(widths.map((w) => '-'.repeat(w))),
		...body.map(line),
		...(names.length ? ['', ...names.map((n, i) => `[${i + 1}] ${n}`)] : []),
		...(report.notes?.length ? ['', ...report.notes.map((n) => `note: ${n}`)] : [])
	].join('\n');
}

/** The p-th percentile (0–100) of `values` (nearest rank); NaN when empty. */
export function percentile(values: number[], p: number): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[rank];
}
