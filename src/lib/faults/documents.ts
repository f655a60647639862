/**
 * FaultSchedule documents in the room's files: their diagnostics for the editor (the analyzer
 * calls `roomConfigDiagnostics` for every `converge.dev/*` document instead of reporting an
 * unknown kind), and the schedules of all files for the runtime.
 *
 * @module
 */
import { parseAllDocuments, type Document } from 'yaml';
import { parseSchedule, isRoomConfig, type FaultError } from './parse';
import type { FaultSchedule } from './types';

export interface RoomConfigDiagnostic {
	from: number;
	to: number;
	severity: 'error' | 'warning';
	message: string;
}

/** The range of the deepest node of `path` the document has (the value, else its parent). */
function rangeOf(doc: Document, path: Array<string | number>): { from: number; to: number } {
	for (let n = path.length; n >= 0; n--) {
		const node = (n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)) as { range?: [number, number, number] } | undefined;
		if (node?.range) return { from: node.range[0], to: node.range[1] };
	}
	return { from: 0, to: 0 };
}

/** Diagnostics of one `converge.dev/*` document (`object` is its JS value). */
export function roomConfigDiagnostics(doc: Document, object: Record<string, unknown>): RoomConfigDiagnostic[] {
	const { errors } = parseSchedule(object, '');
	return errors.map((e: FaultError) => ({ ...rangeOf(doc, e.path), severity: 'error', message: e.message }));
}

/** Every valid FaultSchedule in the files (invalid ones are skipped: the editor shows why). Sorted by name. */
export function schedulesOfFiles(files: Map<string, string>): FaultSchedule[] {
	const out = new Map<string, FaultSchedule>();
	for (const [path, text] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
		if (!text.includes('converge.dev/')) continue;
		for (const doc of parseAllDocuments(text, { prettyErrors: false })) {
			if (doc.errors.length) continue;
			let object: unknown;
			try {
				object = doc.toJS({ maxAliasCount: 100 });
			} catch {
				continue;
			}
			const o = object as Record<string, unknown> | null;
			if (!o || typeof o !== 'object' || !isRoomConfig(o.apiVersion) || o.kind !== 'FaultSchedule') continue;
			const { schedule } = parseSchedule(o, path);
			// The first declaration of a name wins, like duplicate objects in the analyzer.
			if (schedule && !out.has(schedule.name)) out.set(schedule.name, schedule);
		}
	}
	return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}
