import { describe, expect, it } from 'vitest';
import { parseDurationMs, parseFault, parseSchedule } from './parse';
import { schedulesOfFiles } from './documents';

describe('parseDurationMs', () => {
	it.each([
		['30s', 30_000],
		['1m30s', 90_000],
		['1.5h', 5_400_000],
		['500ms', 500],
		[45, 45_000],
		['0', 0]
	])('%s → %d ms', (v, want) => expect(parseDurationMs(v)).toBe(want));

	it.each(['soon', '10', '-5s', '5 s', ''])('refuses %j', (v) => expect(parseDurationMs(v)).toBeUndefined());
});

describe('parseFault', () => {
	const cases: Array<{ name: string; raw: unknown; want?: object; wantErrors?: string[] }> = [
		{ name: 'node failure with recovery', raw: { fault: 'NodeFailure', node: 'node-2', recoverAfter: '60s' }, want: { fault: 'NodeFailure', node: 'node-2', recoverAfterMs: 60_000 } },
		{ name: 'disk is the default resource of NodeFull', raw: { fault: 'NodeFull', node: 'n' }, want: { fault: 'NodeFull', node: 'n', resource: 'disk' } },
		{ name: 'for is recoverAfter', raw: { fault: 'ImageUnavailable', image: 'nginx:1.27', for: '2m' }, want: { fault: 'ImageUnavailable', image: 'nginx:1.27', recoverAfterMs: 120_000 } },
		{ name: 'crash rate defaults', raw: { fault: 'PodCrashRate' }, want: { fault: 'PodCrashRate', namespace: 'default', rate: 1 } },
		{ name: 'a selector map', raw: { fault: 'PodCrashRate', selector: { app: 'web' }, rate: 0.5, crashAfter: '3s' }, want: { selector: 'app=web', rate: 0.5, crashAfterSeconds: 3 } },
		{ name: 'unknown kind', raw: { fault: 'Meteor' }, wantErrors: ['fault: Unsupported value: "Meteor": supported values: "NodeFailure", "NetworkPartition", "NodeFull", "ImageUnavailable", "PodCrashRate"'] },
		{ name: 'missing node, unknown field', raw: { fault: 'NetworkPartition', image: 'x' }, wantErrors: ['image: unknown field "image" for NetworkPartition', 'node: Required value'] },
		{ name: 'bad rate and selector', raw: { fault: 'PodCrashRate', rate: 2, selector: 'app in (' }, wantErrors: [expect.stringMatching(/^selector: Invalid value: "app in \(": /) as unknown as string, 'rate: Invalid value: 2: must be a number in (0, 1]'] },
		{ name: 'both recoverAfter and for', raw: { fault: 'NodeFailure', node: 'a', recoverAfter: '1s', for: '2s' }, wantErrors: ['for: Forbidden: give recoverAfter or for, not both'] }
	];
	it.each(cases)('$name', ({ raw, want, wantErrors }) => {
		const { fault, errors } = parseFault(raw);
		if (wantErrors) {
			expect(fault).toBeUndefined();
			expect(errors.map((e) => e.message)).toEqual(wantErrors);
		} else expect(fault).toMatchObject(want!);
	});
});

describe('parseSchedule', () => {
	const doc = (faults: unknown) => ({ apiVersion: 'converge.dev/v1alpha1', kind: 'FaultSchedule', metadata: { name: 'outage' }, spec: { faults } });

	it('reads entries with their times', () => {
		const { schedule, errors } = parseSchedule(doc([{ at: '30s', fault: 'NodeFailure', node: 'node-2', recoverAfter: '60s' }, { at: 0, fault: 'ImageUnavailable', image: 'redis' }]), 'f.yaml');
		expect(errors).toEqual([]);
		expect(schedule).toMatchObject({ name: 'outage', path: 'f.yaml', faults: [{ atMs: 30_000, fault: 'NodeFailure', recoverAfterMs: 60_000 }, { atMs: 0, image: 'redis' }] });
	});

	it('names the entry of each error', () => {
		const { schedule, errors } = parseSchedule(doc([{ fault: 'NodeFailure', node: 'a' }, { at: '1s', fault: 'NodeFull', node: 'b', resource: 'cpu' }]), 'f.yaml');
		expect(schedule).toBeUndefined();
		expect(errors).toEqual([
			{ path: ['spec', 'faults', 0, 'at'], message: 'spec.faults[0].at: Required value (time after the schedule is applied)' },
			{ path: ['spec', 'faults', 1, 'resource'], message: 'spec.faults[1].resource: Unsupported value: "cpu": supported values: "disk", "memory", "pids"' }
		]);
	});

	it('gives an edited schedule a new hash', () => {
		const a = parseSchedule(doc([{ at: '30s', fault: 'NodeFailure', node: 'n' }]), 'f').schedule!;
		const b = parseSchedule(doc([{ at: '31s', fault: 'NodeFailure', node: 'n' }]), 'f').schedule!;
		expect(a.hash).not.toBe(b.hash);
	});
});

describe('schedulesOfFiles', () => {
	it('finds FaultSchedules among other documents; the first of a name wins', () => {
		const s = (name: string, node: string) => `apiVersion: converge.dev/v1alpha1\nkind: FaultSchedule\nmetadata: {name: ${name}}\nspec:\n  faults: [{at: 5s, fault: NodeFailure, node: ${node}}]\n`;
		const files = new Map([
			['b.yaml', s('x', 'second')],
			['a.yaml', `apiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n---\n${s('x', 'first')}---\n${s('w', 'other')}`]
		]);
		expect(schedulesOfFiles(files).map((x) => [x.name, x.path, x.faults[0].node])).toEqual([
			['w', 'a.yaml', 'other'],
			['x', 'a.yaml', 'first']
		]);
	});
});
