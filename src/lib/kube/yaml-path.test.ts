import { describe, expect, test } from 'vitest';
import { cursor, deployment } from '../editor/test-fixtures';
import { completionTargetAt, documentIndexAt, headerOf, nodeAt, parseDocuments, pathAt } from './yaml-path';

const MULTI = `# leading comment
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - containerPort: 80
---
apiVersion: v1
kind: Service
spec:
  ports:
    - port: 80
      targetPort: http
`;

describe('pathAt', () => {
	const at = (needle: string, offset = 1) => MULTI.indexOf(needle) + offset;
	test.each([
		{ name: 'top-level key', pos: at('kind: Deployment'), wantDoc: 0, wantPath: ['kind'], wantPart: 'key' },
		{ name: 'top-level value', pos: at('Deployment'), wantDoc: 0, wantPath: ['kind'], wantPart: 'value' },
		{ name: 'nested map key', pos: at('app: web'), wantDoc: 0, wantPath: ['metadata', 'labels', 'app'], wantPart: 'key' },
		{ name: 'key inside a list item', pos: at('image:'), wantDoc: 0, wantPath: ['spec', 'template', 'spec', 'containers', 0, 'image'], wantPart: 'key' },
		{ name: 'value inside a list item', pos: at('nginx'), wantDoc: 0, wantPath: ['spec', 'template', 'spec', 'containers', 0, 'image'], wantPart: 'value' },
		{ name: 'list in a list', pos: at('containerPort'), wantDoc: 0, wantPath: ['spec', 'template', 'spec', 'containers', 0, 'ports', 0, 'containerPort'], wantPart: 'key' },
		{ name: 'second document', pos: at('targetPort'), wantDoc: 1, wantPath: ['spec', 'ports', 0, 'targetPort'], wantPart: 'key' },
		{ name: 'the end of a key counts', pos: at('kind: Service', 4), wantDoc: 1, wantPath: ['kind'], wantPart: 'key' }
	])('$name', ({ pos, wantDoc, wantPath, wantPart }) => {
		const docs = parseDocuments(MULTI);
		const index = documentIndexAt(docs, pos);
		expect(index).toBe(wantDoc);
		const hit = pathAt(docs[index], pos);
		expect(hit?.path).toEqual(wantPath);
		expect(hit?.part).toBe(wantPart);
	});

	test('a leading comment belongs to the first document; whitespace between keys hits nothing', () => {
		const docs = parseDocuments(MULTI);
		expect(documentIndexAt(docs, 3)).toBe(0);
		expect(pathAt(docs[0], MULTI.indexOf('  labels') + 1)).toBeUndefined();
	});

	test('headerOf and nodeAt read the current document', () => {
		const docs = parseDocuments(MULTI);
		expect(headerOf(docs[1])).toEqual({ apiVersion: 'v1', kind: 'Service' });
		const { pair, node } = nodeAt(docs[1], ['spec', 'ports', 0, 'targetPort']);
		expect(String((pair?.key as { value: unknown }).value)).toBe('targetPort');
		expect(MULTI.slice(node!.range![0], node!.range![1])).toBe('http');
		expect(nodeAt(docs[1], ['spec', 'nope', 0])).toEqual({});
	});
});

describe('completionTargetAt', () => {
	test.each([
		{
			name: 'empty line in a mapping',
			src: deployment('spec:\n  replicas: 3\n  |\n  template: {}\n'),
			want: { role: 'key', path: ['spec'], siblings: ['replicas', 'template'], column: 2 }
		},
		{
			name: 'partial key',
			src: deployment('spec:\n  replicas: 3\n  sel|\n'),
			want: { role: 'key', path: ['spec'], siblings: ['replicas'], afterDash: false }
		},
		{
			name: 'inside an existing key (rename)',
			src: deployment('spec:\n  repl|icas: 3\n'),
			want: { role: 'key', path: ['spec'], siblings: [], colonFollows: true }
		},
		{
			name: 'after a list dash',
			src: deployment('spec:\n  template:\n    spec:\n      containers:\n        - name: a\n        - |\n'),
			want: { role: 'key', path: ['spec', 'template', 'spec', 'containers', 1], afterDash: true }
		},
		{
			name: 'next key of a list item',
			src: deployment('spec:\n  template:\n    spec:\n      containers:\n        - name: a\n          im|\n'),
			want: { role: 'key', path: ['spec', 'template', 'spec', 'containers', 0], siblings: ['name'] }
		},
		{
			name: 'value after key colon',
			src: deployment('spec:\n  template:\n    spec:\n      restartPolicy: Ne|\n'),
			want: { role: 'value', path: ['spec', 'template', 'spec', 'restartPolicy'] }
		},
		{
			name: 'top-level kind value reads the apiVersion',
			src: 'apiVersion: apps/v1\nkind: Dep|\n',
			want: { role: 'value', path: ['kind'], apiVersion: 'apps/v1', kind: undefined }
		},
		{
			name: 'second document of a file',
			src: deployment('spec: {}\n---\napiVersion: v1\nkind: Service\nspec:\n  type: |\n'),
			want: { docIndex: 1, role: 'value', path: ['spec', 'type'], kind: 'Service' }
		}
	])('$name', ({ src, want }) => {
		const { text, pos } = cursor(src);
		expect(completionTargetAt(text, pos)).toMatchObject(want);
	});

	test.each([
		{ name: 'in a comment', src: deployment('# a com|ment\n') },
		{ name: 'on a document marker', src: deployment('--|-\n') },
		{ name: 'in a quoted value', src: deployment('spec:\n  type: "Clu|"\n') }
	])('nothing to complete $name', ({ src }) => {
		const { text, pos } = cursor(src);
		expect(completionTargetAt(text, pos)).toBeUndefined();
	});

	test('replaces the whole word around the cursor', () => {
		const { text, pos } = cursor(deployment('spec:\n  repl|icas: 3\n'));
		const t = completionTargetAt(text, pos)!;
		expect(text.slice(t.from, t.to)).toBe('replicas');
	});
});
