import { describe, expect, it } from 'vitest';
import { parseManifestFile, customKindsOf } from './manifest';
import { findStarter } from '../rooms/starters';

const one = (text: string) => parseManifestFile('f.yaml', text);
const messages = (text: string) => one(text).diagnostics.map((d) => `${d.line}:${d.col} ${d.severity} ${d.message}`);

describe('parseManifestFile', () => {
	const cases: Array<{ name: string; text: string; want: string[] }> = [
		{ name: 'valid ConfigMap', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n', want: [] },
		{ name: 'empty file', text: '', want: [] },
		{ name: 'comments only', text: '# nothing here\n', want: [] },
		{
			name: 'missing apiVersion points at the document',
			text: 'kind: ConfigMap\nmetadata:\n  name: c\n',
			want: ['1:1 error apiVersion: Required value: apiVersion not set']
		},
		{
			name: 'missing kind',
			text: 'apiVersion: v1\nmetadata:\n  name: c\n',
			want: ['1:1 error kind: Required value: kind not set']
		},
		{
			name: 'missing name points at metadata',
			text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {}\n',
			want: ['4:3 error metadata.name: Required value: name or generateName is required']
		},
		{
			name: 'unknown kind at the kind value',
			text: 'apiVersion: v1\nkind: Widget\nmetadata:\n  name: w\n',
			want: ['2:7 error no matches for kind "Widget" in version "v1"; ensure CRDs are installed first']
		},
		{
			name: 'kind in the wrong group says where it is served',
			text: 'apiVersion: v1\nkind: Deployment\nmetadata:\n  name: w\n',
			want: ['2:7 error no matches for kind "Deployment" in version "v1" (Deployment is served as apps/v1)']
		},
		{
			name: 'Service names are DNS-1035 labels',
			text: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: 1web\n',
			want: [
				`4:9 error metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`
			]
		},
		{
			name: 'namespace on a cluster-scoped kind is a warning',
			text: 'apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\n  namespace: default\n',
			want: ['5:14 warning metadata.namespace: Node is cluster-scoped; the namespace is ignored']
		},
		{
			name: 'a scalar document is not a manifest',
			text: 'hello\n',
			want: ['1:1 error a manifest document must be a mapping with apiVersion, kind and metadata']
		}
	];
	for (const c of cases) it(c.name, () => expect(messages(c.text)).toEqual(c.want));

	it('reports YAML syntax errors at their line and keeps other documents', () => {
		const r = one('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\nfoo: [\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n');
		expect(r.objects.map((o) => [o.name, o.doc, o.line])).toEqual([
			['a', 0, 1],
			['b', 2, 8]
		]);
		expect(r.diagnostics).toHaveLength(1);
		expect(r.diagnostics[0]).toMatchObject({ source: 'yaml', severity: 'error', line: 7 });
	});

	it('bounds alias expansion instead of exploding', () => {
		const bomb = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: x}', 'a: &a [x, x, x, x, x, x, x, x, x, x]'];
		for (let i = 1; i < 10; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill('*' + String.fromCharCode(96 + i)).join(', ')}]`);
		const r = one(bomb.join('\n') + '\n');
		expect(r.objects).toHaveLength(0);
		expect(r.diagnostics.map((d) => d.message).join()).toMatch(/alias/i);
	});

	it('defaults the namespace of namespaced kinds and omits it for cluster-scoped ones', () => {
		const r = one('apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n---\napiVersion: v1\nkind: Node\nmetadata:\n  name: n\n');
		expect(r.objects.map((o) => o.namespace)).toEqual(['default', undefined]);
	});

	it('accepts every starter file cleanly', () => {
		for (const [path, text] of Object.entries(findStarter('web-app')!.files)) {
			const r = parseManifestFile(path, text);
			expect(r.diagnostics, path).toEqual([]);
			expect(r.objects, path).toHaveLength(1);
		}
	});
});

describe('customKindsOf', () => {
	it('makes a CRD kind known in every served version', () => {
		const crd = one(`apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets}
  versions:
    - {name: v1, served: true, storage: true}
    - {name: v0, served: false, storage: false}
`);
		const kinds = customKindsOf(crd.objects);
		expect(kinds.map((k) => `${k.group}/${k.version}/${k.kind}/${k.namespaced}`)).toEqual(['example.com/v1/Widget/true']);
		const widget = parseManifestFile('w.yaml', 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n', kinds);
		expect(widget.diagnostics).toEqual([]);
	});
});
