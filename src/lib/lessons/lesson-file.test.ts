import { describe, expect, it } from 'vitest';
import { parseLesson } from './lesson-file';

const yaml = (checks: string) => `title: T
steps:
  - id: one
    title: One
    markdown: one.md
    checks:
${checks}
`;
const folder = (checks: string, extra: Record<string, string> = {}) => ({ 'lesson.yaml': yaml(checks), 'one.md': '# One', 'files/app/a.yaml': 'kind: ConfigMap', ...extra });

describe('parseLesson', () => {
	it('parses steps, checks with default ids, and the starting files', () => {
		const l = parseLesson('demo', folder('      - { title: ready, kind: Deployment, name: web, expect: { readyReplicas: 1 } }'));
		expect(l).toMatchObject({ id: 'demo', title: 'T', summary: '', files: { 'app/a.yaml': 'kind: ConfigMap' } });
		expect(l.steps[0]).toMatchObject({ id: 'one', markdown: 'one.md', checks: [{ id: 'one-1', title: 'ready', kind: 'Deployment' }] });
	});
	const bad = [
		{ name: 'unknown kind', checks: '      - { title: x, kind: Widget, name: a }', want: 'lesson.yaml steps[0].checks[0].kind: unknown kind "Widget"' },
		{ name: 'two shapes', checks: '      - { title: x, kind: Pod, name: a, vip: { node: n, service: s } }', want: 'lesson.yaml steps[0].checks[0]: must have exactly one of kind, vip, connection' },
		{ name: 'no title', checks: '      - { kind: Pod, name: a }', want: 'lesson.yaml steps[0].checks[0].title: is required' },
		{ name: 'list without count', checks: '      - { title: x, kind: Pod, selector: app=a }', want: 'lesson.yaml steps[0].checks[0]: needs a name, or a count or distinctNodes for a list' },
		{ name: 'bad selector', checks: '      - { title: x, kind: Pod, selector: "app in", count: 1 }', want: 'lesson.yaml steps[0].checks[0].selector: ' },
		{ name: 'bad path', checks: '      - { title: x, kind: Pod, name: a, expect: { "spec..x": 1 } }', want: 'lesson.yaml steps[0].checks[0].expect: invalid field path "spec..x"' },
		{ name: 'connection without expect', checks: '      - { title: x, connection: { from: a, to: "b:80" } }', want: 'lesson.yaml steps[0].checks[0].expect: must be allowed, denied or a trace outcome' },
		{ name: 'duplicate ids', checks: '      - { id: a, title: x, kind: Pod, name: a }\n      - { id: a, title: y, kind: Pod, name: b }', want: 'lesson.yaml steps[0].checks: duplicate check id "a"' }
	];
	for (const b of bad) it(`refuses ${b.name}`, () => expect(() => parseLesson('demo', folder(b.checks))).toThrow(b.want));
	it('refuses unsafe paths and a missing lesson.yaml', () => {
		expect(() => parseLesson('demo', folder('      []', { '../x': '' }))).toThrow('lesson: invalid path "../x"');
		expect(() => parseLesson('demo', { 'one.md': '' })).toThrow('lesson: lesson.yaml is missing');
		expect(() => parseLesson('Demo', folder('      []'))).toThrow('lesson: id "Demo" must be lowercase letters, digits and dashes');
	});
});
