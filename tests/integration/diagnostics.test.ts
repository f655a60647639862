/**
 * Diagnostics reach every client of a room (editors and viewers) with the position a user would
 * point at: YAML syntax errors and object shape errors (missing apiVersion / kind / metadata.name,
 * unknown kind, invalid names, an object declared twice across files).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomClient } from '../../src/lib/collab/client';
import type { AnalysisEvent, Diagnostic } from '../../src/lib/collab/protocol';
import { fileText, startServer, waitUntil, type RoomInfo, type TestServer } from '../helpers/server';

type Want = Pick<Diagnostic, 'line' | 'col' | 'severity' | 'source' | 'message'>;

/** 1-based line and column of `offset` in `text`, counted independently of the server. */
function lineCol(text: string, offset: number): { line: number; col: number } {
	const before = text.slice(0, offset).split('\n');
	return { line: before.length, col: before[before.length - 1].length + 1 };
}

/** Line and column where `needle` starts (its `nth` occurrence, 0-based). */
function at(text: string, needle: string, nth = 0): { line: number; col: number } {
	let i = -1;
	for (let k = 0; k <= nth; k++) {
		i = text.indexOf(needle, i + 1);
		if (i < 0) throw new Error(`"${needle}" not in fixture`);
	}
	return lineCol(text, i);
}

const SUBDOMAIN =
	"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035 =
	"a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

const FILES: Record<string, { text: string; want: (t: string) => Want[] }> = {
	'syntax/duplicate-key.yaml': {
		text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n',
		want: (t) => [{ ...at(t, 'name', 1), severity: 'error', source: 'yaml', message: 'Map keys must be unique' }]
	},
	'syntax/tab.yaml': {
		text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tabbed\n\tdata: x\n',
		want: (t) => [{ ...at(t, '\t'), severity: 'error', source: 'yaml', message: 'Tabs are not allowed as indentation' }]
	},
	'shape/no-api-version.yaml': {
		text: '# a comment first\nkind: ConfigMap\nmetadata:\n  name: a\n',
		want: (t) => [{ ...at(t, 'kind'), severity: 'error', source: 'shape', message: 'apiVersion: Required value: apiVersion not set' }]
	},
	'shape/no-kind-in-second-doc.yaml': {
		text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\n---\napiVersion: v1\nmetadata:\n  name: b\n',
		want: (t) => [{ ...at(t, 'apiVersion', 1), severity: 'error', source: 'shape', message: 'kind: Required value: kind not set' }]
	},
	'shape/no-name.yaml': {
		text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels:\n    app: x\n',
		want: (t) => [
			{ ...at(t, 'labels'), severity: 'error', source: 'shape', message: 'metadata.name: Required value: name or generateName is required' }
		]
	},
	'shape/unknown-kind.yaml': {
		text: 'apiVersion: v1\nkind: Frobnicator\nmetadata:\n  name: a\n',
		want: (t) => [
			{ ...at(t, 'Frobnicator'), severity: 'error', source: 'shape', message: 'no matches for kind "Frobnicator" in version "v1"; ensure CRDs are installed first' }
		]
	},
	'shape/wrong-version.yaml': {
		text: 'apiVersion: v1\nkind: Deployment\nmetadata:\n  name: a\n',
		want: (t) => [
			{ ...at(t, 'Deployment'), severity: 'error', source: 'shape', message: 'no matches for kind "Deployment" in version "v1" (Deployment is served as apps/v1)' }
		]
	},
	'shape/bad-names.yaml': {
		text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: 1abc\n',
		want: (t) => [
			{ ...at(t, 'Bad_Name'), severity: 'error', source: 'shape', message: `metadata.name: Invalid value: "Bad_Name": ${SUBDOMAIN}` },
			{ ...at(t, '1abc'), severity: 'error', source: 'shape', message: `metadata.name: Invalid value: "1abc": ${DNS1035}` }
		]
	},
	'dup/a.yaml': {
		text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: twice\n',
		want: () => []
	},
	'dup/b.yaml': {
		text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: twice\n',
		want: (t) => [
			{ ...at(t, 'apiVersion'), severity: 'error', source: 'shape', message: 'ConfigMap "twice" in namespace "default" is already declared in dup/a.yaml:1' }
		]
	},
	'fine.yaml': {
		text: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: fine\n  namespace: team-a\n',
		want: () => []
	}
};

function simplify(ds: Diagnostic[] | undefined): Want[] | undefined {
	return ds?.map(({ line, col, severity, source, message }) => ({ line, col, severity, source, message }));
}

let server: TestServer;
let room: RoomInfo;
let editor: RoomClient;
let viewer: RoomClient;

beforeAll(async () => {
	server = await startServer({ analysisDelayMs: 5 });
	room = await server.createRoom('blank');
	editor = server.client(room.id, room.tokens.editor);
	viewer = server.client(room.id, room.tokens.viewer);
	await Promise.all([editor, viewer].map((c) => c.when((s) => s.synced)));
});
afterAll(() => server.stop());

/** Waits until both clients' latest analysis shows `want` for `path`. */
async function expectDiagnostics(path: string, want: Want[]): Promise<void> {
	const matches = (e: AnalysisEvent | undefined) => JSON.stringify(simplify(e?.diagnostics[path])) === JSON.stringify(want);
	try {
		await waitUntil(() => matches(editor.analysis) && matches(viewer.analysis), `diagnostics of ${path}`, 10_000);
	} catch {
		// Show the difference.
		expect(simplify(editor.analysis?.diagnostics[path])).toEqual(want);
		expect(simplify(viewer.analysis?.diagnostics[path])).toEqual(want);
	}
}

describe('diagnostics positions', () => {
	it('reports syntax and shape errors of typed files at the right line and column, to every client', async () => {
		for (const path of Object.keys(FILES)) {
			const res = await server.api(`/api/rooms/${room.id}/files`, { method: 'POST', token: room.tokens.editor, body: { path } });
			expect(res.status).toBe(201);
		}
		await waitUntil(() => Object.keys(FILES).every((p) => editor.analysis?.diagnostics[p] !== undefined), 'the new files to be analysed');
		// The editor types every file (one transaction each), like a paste.
		for (const [path, { text }] of Object.entries(FILES)) fileText(editor.doc, path).insert(0, text);
		for (const [path, { text, want }] of Object.entries(FILES)) await expectDiagnostics(path, want(text));
		// Offsets agree with the line and column (what the editor underlines).
		for (const [path, { text }] of Object.entries(FILES))
			for (const d of editor.analysis!.diagnostics[path]) expect(lineCol(text, d.from), `${path}: ${d.message}`).toEqual({ line: d.line, col: d.col });
	});

	it('lists declared objects and clears a diagnostic once the file is fixed', async () => {
		const objects = editor.analysis!.objects.map((o) => `${o.kind}/${o.namespace ?? ''}/${o.name}@${o.path}:${o.line}`);
		expect(objects).toContain('ConfigMap/default/twice@dup/a.yaml:1');
		expect(objects).toContain('Deployment/team-a/fine@fine.yaml:1');
		expect(objects.filter((o) => o.startsWith('ConfigMap/default/twice'))).toHaveLength(1);

		const t = fileText(editor.doc, 'shape/unknown-kind.yaml');
		const i = t.toString().indexOf('Frobnicator');
		editor.doc.transact(() => {
			t.delete(i, 'Frobnicator'.length);
			t.insert(i, 'ConfigMap');
		});
		await expectDiagnostics('shape/unknown-kind.yaml', []);
	});

	it('points a duplicate in a later document at that object, not at the separator or comments before it', async () => {
		const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n---\n# the same ConfigMap again\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: twice\n';
		const res = await server.api(`/api/rooms/${room.id}/files`, { method: 'POST', token: room.tokens.editor, body: { path: 'dup/c.yaml', content: text } });
		expect(res.status).toBe(201);
		await expectDiagnostics('dup/c.yaml', [
			{ ...at(text, 'apiVersion', 1), severity: 'error', source: 'shape', message: 'ConfigMap "twice" in namespace "default" is already declared in dup/a.yaml:1' }
		]);
		// The underline (offset) must be where the line and column say.
		const [d] = editor.analysis!.diagnostics['dup/c.yaml'];
		expect(lineCol(text, d.from)).toEqual({ line: d.line, col: d.col });
	});
});
