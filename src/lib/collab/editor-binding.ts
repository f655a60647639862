/**
 * The editor state of one shared file: CodeMirror 6 bound to the file's Y.Text (y-codemirror.next),
 * remote cursors from awareness, per-user undo on the CRDT (Yjs UndoManager; CodeMirror's own
 * history is left out on purpose: it would record remote edits and undo other people's work),
 * and the server's diagnostics shown inline.
 *
 * @module
 */
import * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next';
import { EditorState, StateEffect, StateField, type Extension } from '@codemirror/state';
import {
	EditorView,
	keymap,
	lineNumbers,
	highlightActiveLine,
	highlightActiveLineGutter,
	drawSelection,
	highlightSpecialChars
} from '@codemirror/view';
import { defaultKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching, defaultHighlightStyle, indentOnInput, indentUnit, syntaxHighlighting, foldGutter } from '@codemirror/language';
import { yaml } from '@codemirror/lang-yaml';
import { linter, lintGutter, lintKeymap, type Diagnostic as CmDiagnostic } from '@codemirror/lint';
import { searchKeymap, highlightSelectionMatches } from '@codemirror/search';
import { completionKeymap, closeBrackets } from '@codemirror/autocomplete';
import { kubeCompletion, kubeHover } from '../editor';
import type { Diagnostic } from './protocol';

/** Replaces the server's diagnostics for the file shown. */
export const setServerDiagnostics = StateEffect.define<Diagnostic[]>();

const serverDiagnostics = StateField.define<Diagnostic[]>({
	create: () => [],
	update(value, tr) {
		for (const e of tr.effects) if (e.is(setServerDiagnostics)) return e.value;
		return value;
	}
});

/** Server diagnostics as a lint source, refreshed when new ones arrive. */
function serverLint(): Extension {
	return [
		serverDiagnostics,
		linter(
			(view) => {
				const len = view.state.doc.length;
				// Offsets are from the server's parse; clamp in case the text moved on since.
				return view.state.field(serverDiagnostics).map(
					(d): CmDiagnostic => ({
						from: Math.min(d.from, len),
						to: Math.min(Math.max(d.to, d.from), len),
						severity: d.severity,
						source: d.source === 'yaml' ? 'YAML' : d.source === 'schema' ? 'schema' : d.source === 'apply' ? 'API server' : 'manifest',
						message: d.message
					})
				);
			},
			{ delay: 50, needsRefresh: (u) => u.transactions.some((t) => t.effects.some((e) => e.is(setServerDiagnostics))) }
		)
	];
}

export interface FileEditorOptions {
	text: Y.Text;
	awareness: Awareness;
	undoManager: Y.UndoManager;
	readOnly: boolean;
	/** More extensions. */
	extensions?: Extension[];
}

/** A fresh editor state for one file (each file gets its own; the binding caches its config). */
export function createFileState(o: FileEditorOptions): EditorState {
	return EditorState.create({
		doc: o.text.toString(),
		extensions: [
			lineNumbers(),
			foldGutter(),
			highlightActiveLineGutter(),
			highlightSpecialChars(),
			drawSelection(),
			indentOnInput(),
			bracketMatching(),
			highlightActiveLine(),
			highlightSelectionMatches(),
			syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
			EditorState.tabSize.of(2),
			indentUnit.of('  '),
			yaml(),
			lintGutter(),
			serverLint(),
			closeBrackets(),
			// Schema-aware completion and hover; schema errors come with the server's diagnostics.
			kubeCompletion(),
			kubeHover(),
			keymap.of([...yUndoManagerKeymap, ...completionKeymap, ...defaultKeymap, ...searchKeymap, ...lintKeymap, indentWithTab]),
			yCollab(o.text, o.awareness, { undoManager: o.undoManager }),
			EditorState.readOnly.of(o.readOnly),
			EditorView.editable.of(!o.readOnly),
			...(o.extensions ?? [])
		]
	});
}

/** The absolute position of a peer's cursor in `text`, from its awareness state. */
export function peerCursor(doc: Y.Doc, text: Y.Text, state: { cursor?: { head?: unknown } } | undefined): number | undefined {
	const head = state?.cursor?.head;
	if (!head) return undefined;
	const abs = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(head), doc);
	return abs && abs.type === text ? abs.index : undefined;
}
