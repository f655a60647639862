/**
 * The diff editor of the Sync view: @codemirror/merge side by side (desired left, live right)
 * or unified (live with desired as the original), read-only, YAML highlighted, long unchanged
 * runs collapsed, and live-only fields marked in a gutter of the live side with their owner.
 *
 * @module
 */
import { MergeView, unifiedMergeView } from '@codemirror/merge';
import { yaml } from '@codemirror/lang-yaml';
import { EditorState, RangeSet, type Extension } from '@codemirror/state';
import { EditorView, gutter, GutterMarker, lineNumbers } from '@codemirror/view';

export interface DriftMark {
	line: number;
	/** Tooltip: the field and who owns it. */
	title: string;
}

class DriftMarker extends GutterMarker {
	constructor(readonly title: string) {
		super();
	}
	override eq(o: GutterMarker): boolean {
		return o instanceof DriftMarker && o.title === this.title;
	}
	override toDOM(): Node {
		const el = document.createElement('span');
		el.className = 'cm-drift-mark';
		el.textContent = '●';
		el.title = this.title;
		return el;
	}
}

function driftGutter(marks: DriftMark[]): Extension {
	return [
		gutter({
			class: 'cm-drift-gutter',
			markers: (v) => {
				const doc = v.state.doc;
				const ranges = marks
					.filter((m) => m.line >= 1 && m.line <= doc.lines)
					.sort((a, b) => a.line - b.line)
					.map((m) => new DriftMarker(m.title).range(doc.line(m.line).from));
				return RangeSet.of(ranges, true);
			}
		}),
		EditorView.baseTheme({ '.cm-drift-gutter': { minWidth: '1em' }, '.cm-drift-mark': { color: '#c98a00', cursor: 'help', fontSize: '10px' } })
	];
}

const base = (): Extension[] => [EditorState.readOnly.of(true), EditorView.editable.of(false), lineNumbers(), yaml(), EditorView.lineWrapping];

export interface DiffEditor {
	destroy(): void;
	/** Scrolls the live side to a 1-based line. */
	reveal(line: number): void;
}

export function createDiffEditor(parent: HTMLElement, desired: string, live: string, drift: DriftMark[], mode: 'split' | 'unified'): DiffEditor {
	// Equal texts are shown whole (collapsing would leave nothing to read).
	const collapseUnchanged = desired === live ? undefined : { margin: 3, minSize: 8 };
	let liveView: EditorView;
	let destroy: () => void;
	if (mode === 'split') {
		const mv = new MergeView({ a: { doc: desired, extensions: base() }, b: { doc: live, extensions: [...base(), driftGutter(drift)] }, parent, collapseUnchanged, gutter: true });
		liveView = mv.b;
		destroy = () => mv.destroy();
	} else {
		liveView = new EditorView({
			parent,
			state: EditorState.create({ doc: live, extensions: [...base(), driftGutter(drift), unifiedMergeView({ original: desired, mergeControls: false, collapseUnchanged, gutter: true })] })
		});
		destroy = () => liveView.destroy();
	}
	return {
		destroy,
		reveal(line: number) {
			const doc = liveView.state.doc;
			if (line < 1 || line > doc.lines) return;
			liveView.dispatch({ effects: EditorView.scrollIntoView(doc.line(line).from, { y: 'center' }) });
		}
	};
}
