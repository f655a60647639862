/**
 * The two YAML texts the diff editor shows for one object: desired (the file's object as the
 * applier sends it, values spelled like live where they are equal, e.g. `500m` for `0.5`) and
 * live, both normalized (normalize.ts) and with map keys sorted like `kubectl get -o yaml`
 * prints them; plus the live-only fields with the line they sit on in the live text.
 *
 * @module
 */
import { isMap, isSeq, parseDocument, stringify, type Node } from 'yaml';
import type { KubeObject } from '../controllers/types';
import { DeclaredWalk } from './compare';
import { driftOf } from './drift';
import { asStored, HIDE_ALL, normalizeDesired, normalizeLive, type NormalizeOptions } from './normalize';
import { managersOf } from './owners';
import { isObj, rootPos, type Obj } from './typed';
import type { FieldDifference, SyncStatusCode } from './types';

export interface DiffTexts {
	sync: SyncStatusCode;
	desired: string;
	live: string;
	differences: FieldDifference[];
	/** Live-only fields; `line` (1-based, in `live`) when the field is shown there. */
	drift: Array<FieldDifference & { line?: number }>;
}

/** YAML like kubectl prints it: keys sorted, no line folding. */
export function toYaml(obj: unknown): string {
	return stringify(obj, { sortMapEntries: true, lineWidth: 0, aliasDuplicateObjects: false });
}

export function diffTexts(written: Obj, live: KubeObject | undefined, opts: NormalizeOptions = HIDE_ALL): DiffTexts {
	const desired = asStored(written);
	const managers = managersOf(live);
	const root = rootPos(desired.apiVersion ?? live?.apiVersion, desired.kind ?? live?.kind);
	if (!live) return { sync: 'Missing', desired: toYaml(normalizeDesired(desired, undefined, opts)), live: '', differences: [], drift: [] };
	const walk = new DeclaredWalk(managers);
	const aligned = walk.walkObject(desired, live, root);
	const merged: Obj = { ...desired, ...aligned };
	if (isObj(desired.metadata)) merged.metadata = { ...desired.metadata, ...aligned.metadata };
	const liveText = toYaml(normalizeLive(live, opts, managers, root));
	const doc = parseDocument(liveText);
	const drift = driftOf(desired, live, managers, opts).map((d) => ({ ...d, line: d.livePath ? lineOf(doc.contents, d.livePath, liveText) : undefined }));
	return { sync: walk.differences.length ? 'OutOfSync' : 'Synced', desired: toYaml(normalizeDesired(merged, live, opts)), live: liveText, differences: walk.differences, drift };
}

/** The 1-based line of the node at `path` (its key's line for a map entry). */
function lineOf(root: unknown, path: (string | number)[], text: string): number | undefined {
	let node = root as Node | null | undefined;
	let start: number | undefined;
	for (const step of path) {
		if (isMap(node)) {
			const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === step);
			if (!pair) return undefined;
			start = (pair.key as Node).range?.[0];
			node = pair.value as Node;
		} else if (isSeq(node) && typeof step === 'number') {
			node = node.items[step] as Node;
			start = node?.range?.[0];
		} else return undefined;
	}
	if (start === undefined) return undefined;
	return text.slice(0, start).split('\n').length;
}
