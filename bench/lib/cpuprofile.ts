/**
 * Summarizes a V8 `.cpuprofile` (as written by `node --cpu-prof`): self time per function
 * (name, file:line) and per file, heaviest first. Used to name a server's hotspots when a
 * benchmark misses its goal.
 *
 * TypeScript run through tsx reaches V8 whitespace-minified (one line per module), so a frame's
 * position is mapped back to the source line with the source map tsx cached for that exact
 * source text (`$TMPDIR/tsx-<uid>/`); failing that, the function's definition is looked up by
 * name in the source.
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
	children?: number[];
}

interface CpuProfile {
	nodes: ProfileNode[];
	startTime: number;
	endTime: number;
	samples: number[];
	timeDeltas: number[];
}

export interface Hotspot {
	/** `function (file:line)`; `(garbage collector)`, `(program)`, `(idle)` for V8's pseudo frames. */
	frame: string;
	selfMs: number;
	/** Share of the non-idle samples. */
	share: number;
}

export interface ProfileSummary {
	totalMs: number;
	busyMs: number;
	functions: Hotspot[];
	files: Hotspot[];
}

function location(url: string, root: string): string {
	if (!url) return '';
	let path = url;
	try {
		if (url.startsWith('file:')) path = fileURLToPath(url);
	} catch {
		/* keep the url */
	}
	return path.startsWith(root) ? relative(root, path) : path;
}

interface Segment {
	genCol: number;
	line: number;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes source-map mappings into, per generated line, (column → source line) segments. */
function decodeMappings(mappings: string): Segment[][] {
	const lines: Segment[][] = [];
	const state = [0, 0, 0, 0];
	for (const line of mappings.split(';')) {
		const segs: Segment[] = [];
		lines.push(segs);
		let genCol = 0;
		for (const seg of line.split(',')) {
			if (!seg) continue;
			const values: number[] = [];
			let shift = 0;
			let value = 0;
			for (const ch of seg) {
				const d = B64.indexOf(ch);
				value += (d & 31) << shift;
				if (d & 32) shift += 5;
				else {
					values.push(value & 1 ? -(value >>> 1) : value >>> 1);
					shift = 0;
					value = 0;
				}
			}
			genCol += values[0];
			if (values.length >= 4) {
				state[1] += values[1];
				state[2] += values[2];
				state[3] += values[3];
				segs.push({ genCol, line: state[2] });
			}
		}
	}
	return lines;
}

interface CachedMap {
	/** The source text, when tsx kept it in the map. */
	source: string | undefined;
	/** The source path the map names. */
	path: string | undefined;
	mtimeMs: number;
	segments: () => Segment[][];
}

let tsxCache: CachedMap[] | undefined;

/** Source maps tsx cached (one per transformed source text). */
function tsxMaps(): CachedMap[] {
	if (tsxCache) return tsxCache;
	tsxCache = [];
	let uid: number | string = 'unknown';
	try {
		uid = userInfo().uid;
	} catch {
		/* keep */
	}
	const dir = join(tmpdir(), `tsx-${uid}`);
	if (!existsSync(dir)) return tsxCache;
	for (const f of readdirSync(dir)) {
		try {
			const file = join(dir, f);
			const entry = JSON.parse(readFileSync(file, 'utf8')) as { map?: { mappings: string; sources?: string[]; sourcesContent?: string[] } };
			const map = entry.map;
			if (!map?.mappings) continue;
			let segs: Segment[][] | undefined;
			tsxCache.push({
				source: map.sourcesContent?.[0] || undefined,
				path: map.sources?.[0],
				mtimeMs: statSync(file).mtimeMs,
				segments: () => (segs ??= decodeMappings(map.mappings))
			});
		} catch {
			/* not a cache entry */
		}
	}
	return tsxCache;
}

const sources = new Map<string, string | undefined>();

function sourceOf(path: string): string | undefined {
	if (!sources.has(path)) sources.set(path, existsSync(path) ? readFileSync(path, 'utf8') : undefined);
	return sources.get(path);
}

/** The 1-based source line of a frame (0-based generated line and column) of a TypeScript file run through tsx. */
function tsLine(path: string, functionName: string, genLine: number, col: number): number | undefined {
	const src = sourceOf(path);
	if (src === undefined) return undefined;
	// The map made from this exact text; else the newest one made for this path since it last changed.
	const srcMtime = statSync(path).mtimeMs;
	const cached =
		tsxMaps().find((m) => m.source === src) ??
		tsxMaps()
			.filter((m) => m.source === undefined && m.path === path && m.mtimeMs >= srcMtime)
			.sort((a, b) => b.mtimeMs - a.mtimeMs)[0];
	if (cached) {
		const segs = cached.segments()[genLine] ?? [];
		let best: Segment | undefined;
		for (const s of segs) {
			if (s.genCol > col) break;
			best = s;
		}
		if (best) return best.line + 1;
	}
	if (!functionName || genLine !== 0) return undefined;
	const name = functionName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	const re = new RegExp(`(function\\*?\\s+${name}\\b|^\\s*(?:(?:public|private|protected|static|async|get|set|readonly)\\s+)*${name}\\s*[(<=]|\\b${name}\\s*[:=]\\s*(?:async\\s*)?(?:\\(|function))`);
	const lines = src.split('\n');
	const i = lines.findIndex((l) => re.test(l));
	return i >= 0 ? i + 1 : undefined;
}

/** Self time per function and per file of the profile at `file` (paths relative to `root`). */
export function summarizeCpuProfile(file: string, root: string, top = 15): ProfileSummary {
	const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
	const byId = new Map(p.nodes.map((n) => [n.id, n]));
	const selfUs = new Map<number, number>();
	for (let i = 0; i < p.samples.length; i++) selfUs.set(p.samples[i], (selfUs.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
	const fn = new Map<string, number>();
	const files = new Map<string, number>();
	let total = 0;
	let idle = 0;
	for (const [id, us] of selfUs) {
		const cf = byId.get(id)!.callFrame;
		total += us;
		if (cf.functionName === '(idle)') {
			idle += us;
			continue;
		}
		const loc = location(cf.url, root);
		let line = cf.lineNumber + 1;
		if (cf.url.startsWith('file:') && /\.[cm]?ts$/.test(cf.url) && !cf.url.includes('/node_modules/')) {
			line = tsLine(fileURLToPath(cf.url), cf.functionName, cf.lineNumber, cf.columnNumber) ?? line;
		}
		const key = loc ? `${cf.functionName || '(anonymous)'} (${loc}:${line})` : cf.functionName || '(anonymous)';
		fn.set(key, (fn.get(key) ?? 0) + us);
		const fileKey = loc || cf.functionName;
		files.set(fileKey, (files.get(fileKey) ?? 0) + us);
	}
	const busy = total - idle;
	const rank = (m: Map<string, number>) =>
		[...m]
			.sort((a, b) => b[1] - a[1])
			.slice(0, top)
			.map(([frame, us]) => ({ frame, selfMs: Math.round(us / 100) / 10, share: Math.round((us / busy) * 1000) / 1000 }));
	return { totalMs: total / 1000, busyMs: busy / 1000, functions: rank(fn), files: rank(files) };
}

export function formatSummary(s: ProfileSummary): string {
	const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)}%`;
	return [
		`profile: ${(s.totalMs / 1000).toFixed(1)} s sampled, ${(s.busyMs / 1000).toFixed(1)} s busy`,
		'top functions by self time:',
		...s.functions.map((h) => `  ${pct(h.share)}  ${h.selfMs.toFixed(0).padStart(7)} ms  ${h.frame}`),
		'top files by self time:',
		...s.files.map((h) => `  ${pct(h.share)}  ${h.selfMs.toFixed(0).padStart(7)} ms  ${h.frame}`)
	].join('\n');
}
