/**
 * Hover documentation for manifests: the field under the pointer, its type (as
 * `kubectl explain` names it), its description and, for enums, what each value means.
 *
 * @module
 */
import type { Extension } from '@codemirror/state';
import { EditorView, hoverTooltip } from '@codemirror/view';
import {
	descriptionBody,
	enumNotes,
	formatPath,
	resolveAt,
	schemaFor,
	typeLabel,
	type FieldPath
} from '../kube/schema';
import { documentIndexAt, headerOf, parseDocuments, pathAt } from '../kube/yaml-path';

/** What the hover shows for one field. */
export interface KubeHoverInfo {
	/** The range of the hovered key or value. */
	from: number;
	to: number;
	path: FieldPath;
	/** `spec.template.spec.containers[0].imagePullPolicy`. */
	field: string;
	/** `string`, `[]Container`, `map[string]string`, `IntOrString`… plus `, required`. */
	type: string;
	/** The description without its enum list. */
	description: string;
	/** Allowed values with their notes, for enum fields. */
	values: { value: string; note?: string }[];
}

/** The parent schema's `required` decides whether the hovered field is required. */
function isRequired(root: ReturnType<typeof schemaFor>, path: FieldPath): boolean {
	const last = path[path.length - 1];
	if (typeof last !== 'string' || !root) return false;
	return resolveAt(root, path.slice(0, -1))?.required?.includes(last) ?? false;
}

/** The raw (unresolved) property at a path's end, whose `$ref` names the type. */
function rawProperty(root: NonNullable<ReturnType<typeof schemaFor>>, path: FieldPath) {
	const last = path[path.length - 1];
	const parent = resolveAt(root, path.slice(0, -1));
	if (!parent) return undefined;
	if (typeof last === 'number') return parent.items;
	return parent.properties?.[last] ?? parent.additionalProperties;
}

/**
 * Hover information at `pos` in a manifest file: the field whose key or scalar value is under
 * `pos`, in a document of a built-in kind. Undefined elsewhere (unknown fields, other kinds).
 */
export function kubeHoverAt(text: string, pos: number): KubeHoverInfo | undefined {
	const docs = parseDocuments(text);
	const doc = docs[documentIndexAt(docs, pos)];
	const hit = doc && pathAt(doc, pos);
	if (!hit || hit.path.length === 0) return undefined;
	const { apiVersion, kind } = headerOf(doc);
	const root = apiVersion && kind ? schemaFor(apiVersion, kind) : undefined;
	if (!root) return undefined;
	const node = resolveAt(root, hit.path);
	const raw = rawProperty(root, hit.path);
	if (!node || !raw) return undefined;
	const notes = enumNotes(node.description);
	return {
		from: hit.from,
		to: hit.to,
		path: hit.path,
		field: formatPath(hit.path),
		type: typeLabel(raw) + (isRequired(root, hit.path) ? ', required' : ''),
		description: descriptionBody(node.description),
		values: (node.enum ?? []).map((value) => ({ value, note: notes.get(value) }))
	};
}

/** Builds the tooltip's DOM. Text only (textContent), never HTML from the schema. */
function render(info: KubeHoverInfo): HTMLElement {
	const el = (tag: string, cls: string, text?: string) => {
		const e = document.createElement(tag);
		e.className = cls;
		if (text !== undefined) e.textContent = text;
		return e;
	};
	const dom = el('div', 'cm-kube-hover');
	const head = el('div', 'cm-kube-hover-head');
	head.append(el('code', 'cm-kube-hover-field', info.field), ' ', el('span', 'cm-kube-hover-type', `<${info.type}>`));
	dom.append(head);
	if (info.description) dom.append(el('p', 'cm-kube-hover-doc', info.description));
	if (info.values.length) {
		const list = el('ul', 'cm-kube-hover-values');
		for (const v of info.values) {
			const li = el('li', '');
			li.append(el('code', '', v.value), v.note ? ` ${v.note}` : '');
			list.append(li);
		}
		dom.append(list);
	}
	return dom;
}

const theme = EditorView.baseTheme({
	'.cm-kube-hover': { maxWidth: '36em', padding: '4px 8px', fontSize: '90%' },
	'.cm-kube-hover-type': { opacity: '0.7' },
	'.cm-kube-hover-doc': { margin: '4px 0', whiteSpace: 'pre-wrap' },
	'.cm-kube-hover-values': { margin: '4px 0', paddingLeft: '1.2em' }
});

/** Hover documentation for the fields of built-in kinds. */
export function kubeHover(): Extension {
	return [
		hoverTooltip((view, pos) => {
			const info = kubeHoverAt(view.state.doc.toString(), pos);
			if (!info) return null;
			return { pos: info.from, end: info.to, above: true, create: () => ({ dom: render(info) }) };
		}),
		theme
	];
}
