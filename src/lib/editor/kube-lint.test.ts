import { describe, expect, test } from 'vitest';
import { STARTERS } from '../rooms/starters';
import { KUBE_LINT_SOURCE, kubeDiagnostics } from './kube-lint';
import { deployment } from './test-fixtures';

const BAD = deployment(`metadata:
  name: web
spec:
  replicas: three
  foo: 1
  template:
    spec:
      restartPolicy: Sometimes
      containers:
        - image: nginx
          ports:
            - containerPort: "80"
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: Cluster
  ports:
    - port: 80
`);

describe('kubeDiagnostics', () => {
	const diags = kubeDiagnostics(BAD);
	test.each([
		{ message: 'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"', wantText: 'three', wantSeverity: 'error' },
		{ message: 'unknown field "spec.foo"', wantText: 'foo', wantSeverity: 'warning' },
		{ message: 'spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "Never", "OnFailure"', wantText: 'Sometimes', wantSeverity: 'error' },
		{ message: 'spec.template.spec.containers[0].name: Required value', wantText: 'image', wantSeverity: 'error' },
		{
			message: 'spec.template.spec.containers[0].ports[0].containerPort: Invalid value: "string": spec.template.spec.containers[0].ports[0].containerPort in body must be of type integer: "string"',
			wantText: '"80"',
			wantSeverity: 'error'
		},
		{ message: 'spec.selector: Required value', wantText: 'spec', wantSeverity: 'error' },
		{
			message: 'spec.type: Unsupported value: "Cluster": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
			wantText: 'Cluster',
			wantSeverity: 'error'
		}
	])('$message', ({ message, wantText, wantSeverity }) => {
		const d = diags.find((x) => x.message === message);
		expect(d).toBeDefined();
		expect(BAD.slice(d!.from, d!.to)).toBe(wantText);
		expect(d!.severity).toBe(wantSeverity);
		expect(d!.source).toBe(KUBE_LINT_SOURCE);
	});

	test('reports nothing else', () => {
		expect(diags).toHaveLength(7);
	});

	test('the Service errors are placed in the second document', () => {
		const d = diags.find((x) => x.message.startsWith('spec.type'))!;
		expect(d.from).toBeGreaterThan(BAD.indexOf('---'));
	});

	test.each([
		{ name: 'a document with a YAML error', text: deployment('spec:\n  replicas: three\n  - x\n') },
		{ name: 'a kind without a schema', text: 'apiVersion: example.com/v1\nkind: Widget\nspec:\n  anything: 1\n' },
		{ name: 'a document without kind', text: 'metadata:\n  name: x\n' },
		{ name: 'an empty file', text: '' }
	])('skips $name', ({ text }) => {
		expect(kubeDiagnostics(text)).toEqual([]);
	});
});

describe('starters lint clean', () => {
	const files = STARTERS.flatMap((s) => Object.entries(s.files).map(([path, text]) => ({ name: `${s.id}/${path}`, text })));
	test.each(files)('$name', ({ text }) => {
		expect(kubeDiagnostics(text)).toEqual([]);
	});
});
