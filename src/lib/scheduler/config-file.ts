/**
 * The room's scheduler configuration as a room file declares it: the ConfigMap
 * `kube-system/kube-scheduler-config` whose `config.yaml` is a KubeSchedulerConfiguration
 * (where a kubeadm cluster keeps the file kube-scheduler reads with `--config`). The scheduler
 * loads that text with `loadConfigText`; the room's analyzer calls `schedulerConfigDiagnostics`
 * so each error shows in the editor on the line of the field it is about (a warning: the
 * ConfigMap itself is valid and is applied, the scheduler then refuses it and keeps its last
 * good configuration, with an `InvalidConfiguration` event).
 *
 * @module
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { Diagnostic } from '../collab/protocol';
import { loadSchedulerConfiguration, type LoadedConfiguration } from './config-validation';

export const CONFIG_NAMESPACE = 'kube-system';
export const CONFIG_NAME = 'kube-scheduler-config';
export const CONFIG_KEY = 'config.yaml';

/** An object the analyzer found in a file (the fields this module reads). */
interface DeclaredConfigMap {
	apiVersion: string;
	kind: string;
	namespace?: string;
	name: string;
	object: Record<string, unknown>;
	/** Offsets of the document in the file. */
	from: number;
	to: number;
}

export const isSchedulerConfigMap = (o: { apiVersion?: string; kind?: string; namespace?: string; name?: string }): boolean =>
	o.apiVersion === 'v1' && o.kind === 'ConfigMap' && o.namespace === CONFIG_NAMESPACE && o.name === CONFIG_NAME;

/** Parses and loads `config.yaml`; a YAML error is reported like the other errors (field `""`, at `offset`). */
export function loadConfigText(text: string): LoadedConfiguration & { syntaxAt?: number } {
	const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
	const e = doc.errors[0];
	if (e) return { errors: [{ field: '', message: `data[${CONFIG_KEY}]: Invalid value: ${e.message.split('\n')[0]}` }], syntaxAt: e.pos[0] };
	return loadSchedulerConfiguration(doc.toJS());
}

/** `profiles[0].plugins.score.enabled[1].weight` → ['profiles', 0, 'plugins', …]. */
function pathOf(field: string): Array<string | number> {
	const out: Array<string | number> = [];
	for (const part of field.split('.')) {
		const m = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
		if (!m) return out;
		if (m[1]) out.push(m[1]);
		for (const i of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(i[1]));
	}
	return out;
}

/** Offset in `text` of the deepest node on `path` (the key itself when the last step is a missing or unknown map key). */
function offsetOf(root: Node | null | undefined, path: Array<string | number>): number {
	let node: unknown = root;
	let at = root?.range?.[0] ?? 0;
	for (const step of path) {
		if (isMap(node)) {
			const pair = node.items.find((p) => isScalar(p.key) && p.key.value === step);
			if (!pair) return at;
			at = (pair.key as Node).range?.[0] ?? at;
			node = pair.value;
		} else if (isSeq(node) && typeof step === 'number' && node.items[step]) {
			node = node.items[step];
			at = (node as Node).range?.[0] ?? at;
		} else return at;
	}
	return at;
}

/** Start offset of each line of `text`. */
function lineStarts(text: string): number[] {
	const out = [0];
	for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) out.push(i + 1);
	return out;
}

/**
 * Diagnostics for the scheduler's ConfigMap declared in a room file (`fileText` is the whole
 * file); none for any other object or a valid configuration.
 */
export function schedulerConfigDiagnostics(o: DeclaredConfigMap, path: string, fileText: string): Diagnostic[] {
	if (!isSchedulerConfigMap(o)) return [];
	const text = (o.object.data as Record<string, unknown> | undefined)?.[CONFIG_KEY];
	if (typeof text !== 'string') return [];
	const loaded = loadConfigText(text);
	if (loaded.errors.length === 0) return [];
	// Where config.yaml's value sits in the file.
	const docText = fileText.slice(o.from, o.to);
	const fileDoc = parseDocument(docText);
	const data = fileDoc.getIn(['data', CONFIG_KEY], true) as Node | undefined;
	const starts = lineStarts(fileText);
	const lineAt = (offset: number) => {
		let lo = 0;
		while (lo + 1 < starts.length && starts[lo + 1] <= offset) lo++;
		return lo;
	};
	const valueStart = o.from + (data?.range?.[0] ?? 0);
	const block = isScalar(data) && (data.type === 'BLOCK_LITERAL' || data.type === 'BLOCK_FOLDED');
	// A block scalar's content starts on the line after its `|` header, indented.
	const firstLine = lineAt(valueStart) + 1;
	let indent = 0;
	if (block) {
		for (let l = firstLine; l < starts.length; l++) {
			const line = fileText.slice(starts[l], starts[l + 1] ?? fileText.length);
			if (line.trim()) {
				indent = line.length - line.trimStart().length;
				break;
			}
		}
	}
	const innerLines = new LineCounter();
	const inner = parseDocument(text, { lineCounter: innerLines });
	return loaded.errors.map((e) => {
		const innerOffset = loaded.syntaxAt ?? offsetOf(inner.contents as Node | null, pathOf(e.field));
		let from = valueStart;
		if (block) {
			const pos = innerLines.linePos(innerOffset);
			const l = firstLine + pos.line - 1;
			if (l < starts.length) from = Math.min(starts[l] + indent + pos.col - 1, starts[l + 1] ?? fileText.length);
		}
		const line = lineAt(from);
		return {
			path,
			from,
			to: from,
			line: line + 1,
			col: from - starts[line] + 1,
			severity: 'warning',
			source: 'schema',
			message: `kube-scheduler refuses this configuration (the last good one stays in force): ${e.message}`
		} satisfies Diagnostic;
	});
}
