import { describe, expect, test } from 'vitest';
import { kubeHoverAt } from './kube-hover';
import { cursor, deployment } from './test-fixtures';

const FILE = deployment(`metadata:
  na|me: web
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: web
          imagePullPolicy: IfNotPresent
          ports:
            - containerPort: 80
      unknownThing: 1
---
apiVersion: v1
kind: Service
spec:
  ports:
    - port: 80
      targetPort: http
`);
const { text } = cursor(FILE);
const at = (needle: string, offset = 1) => {
	const i = text.indexOf(needle);
	if (i < 0) throw new Error(`no ${needle}`);
	return i + offset;
};

describe('kubeHoverAt', () => {
	test.each([
		{ name: 'a scalar field', pos: at('replicas'), want: { field: 'spec.replicas', type: 'integer' }, wantDoc: /^Number of desired pods\./ },
		{ name: 'a required field in a list item', pos: at('name: web\n          image', 1), want: { field: 'spec.template.spec.containers[0].name', type: 'string, required' }, wantDoc: /^Name of the container/ },
		{ name: 'a list of objects', pos: at('containers'), want: { field: 'spec.template.spec.containers', type: '[]Container, required' }, wantDoc: /containers belonging to the pod/i },
		{ name: 'a reference', pos: at('metadata'), want: { field: 'metadata', type: 'ObjectMeta' }, wantDoc: /^Standard object's metadata/ },
		{ name: 'a value shows its field', pos: at('IfNotPresent'), want: { field: 'spec.template.spec.containers[0].imagePullPolicy', type: 'string' }, wantDoc: /^Image pull policy\./ },
		{ name: 'int-or-string in the second document', pos: at('targetPort'), want: { field: 'spec.ports[0].targetPort', type: 'IntOrString' }, wantDoc: /^Number or name of the port/ }
	])('$name', ({ pos, want, wantDoc }) => {
		const h = kubeHoverAt(text, pos);
		expect(h).toMatchObject(want);
		expect(h?.description).toMatch(wantDoc);
	});

	test('enum values are listed with their notes, not inside the description', () => {
		const h = kubeHoverAt(text, at('imagePullPolicy'))!;
		expect(h.values.map((v) => v.value)).toEqual(['Always', 'IfNotPresent', 'Never']);
		expect(h.values[0].note).toMatch(/^means that kubelet always attempts/);
		expect(h.description).not.toContain('Possible enum values');
	});

	test('the range is the hovered key', () => {
		const h = kubeHoverAt(text, at('replicas', 3))!;
		expect(text.slice(h.from, h.to)).toBe('replicas');
	});

	test.each([
		{ name: 'an unknown field', ...cursor(FILE.replace('|', '').replace('unknownThing', 'unkn|ownThing')) },
		{ name: 'blank space', ...cursor(FILE.replace('|', '').replace('spec:\n  replicas', 'spec:\n |  replicas')) },
		{ name: 'a kind without a schema', ...cursor('apiVersion: x.io/v1\nkind: W\nspec:\n  a|: 1\n') }
	])('nothing on $name', ({ text: t, pos }) => {
		expect(kubeHoverAt(t, pos)).toBeUndefined();
	});
});
