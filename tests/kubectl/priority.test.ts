/**
 * PriorityClasses and the Priority admission plugin through real kubectl: the system classes a
 * fresh cluster has, a pod's priority resolved from its class (or the global default), and
 * kube-apiserver's refusals for unknown classes, contradicting values, reserved names, values
 * above the user-definable maximum and a second global default.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeRoom, tableRows, type KubeRoom } from './harness';

let room: KubeRoom;
const jsonpath = async (args: string[], path: string) => (await room.kubectl([...args, '-o', `jsonpath=${path}`])).stdout;
const apply = (doc: object) => room.kubectl(['apply', '-f', '-'], { input: JSON.stringify(doc) });
const pc = (name: string, value: number, extra: object = {}) => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...extra });
const pod = (name: string, spec: object = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'app', image: 'nginx' }], ...spec } });

beforeAll(async () => {
	room = await startKubeRoom();
});
afterAll(async () => {
	await room?.stop();
});

describe('PriorityClasses', () => {
	it('a fresh cluster has system-cluster-critical and system-node-critical', async () => {
		const rows = tableRows((await room.kubectl(['get', 'priorityclasses'])).stdout);
		expect(rows[0].slice(0, 3)).toEqual(['NAME', 'VALUE', 'GLOBAL-DEFAULT']);
		expect(rows.slice(1).map((r) => r.slice(0, 3))).toEqual([
			['system-cluster-critical', '2000000000', 'false'],
			['system-node-critical', '2000001000', 'false']
		]);
	});

	it('refuses values above 1e9, reserved names, and changing a value', async () => {
		let r = await apply(pc('huge', 2_000_000_000));
		expect(r.stderr).toContain('The PriorityClass "huge" is invalid: value: Forbidden: maximum allowed value of a user defined priority is 1000000000');
		r = await apply(pc('system-mine', 10));
		expect(r.stderr).toContain(
			`The PriorityClass "system-mine" is invalid: metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class`
		);
		expect((await apply(pc('batch', 100))).code).toBe(0);
		r = await apply(pc('batch', 200));
		expect(r.stderr).toContain('value: Forbidden: may not be changed in an update.');
		expect(await jsonpath(['get', 'pc', 'batch'], '{.value}')).toBe('100');
	});
});

describe('Priority admission', () => {
	it("resolves a pod's priority and preemption policy from its class", async () => {
		expect((await apply(pc('high', 1000, { preemptionPolicy: 'Never' }))).code).toBe(0);
		expect((await apply(pod('important', { priorityClassName: 'high' }))).code).toBe(0);
		expect(await jsonpath(['get', 'pod', 'important'], '{.spec.priority} {.spec.preemptionPolicy}')).toBe('1000 Never');
		expect((await apply(pod('critical', { priorityClassName: 'system-node-critical' }))).code).toBe(0);
		expect(await jsonpath(['get', 'pod', 'critical'], '{.spec.priority}')).toBe('2000001000');
	});

	it('refuses an unknown class and a priority that contradicts the class, storing nothing', async () => {
		let r = await apply(pod('lost', { priorityClassName: 'nope' }));
		expect(r.stderr).toContain('pods "lost" is forbidden: no PriorityClass with name nope was found');
		r = await apply(pod('sneaky', { priorityClassName: 'high', priority: 5 }));
		expect(r.stderr).toContain(
			'pods "sneaky" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name'
		);
		r = await apply(pod('policy', { priorityClassName: 'high', preemptionPolicy: 'PreemptLowerPriority' }));
		expect(r.stderr).toContain('the string value of PreemptionPolicy (PreemptLowerPriority) must not be provided in pod spec; priority admission controller computed Never from the given PriorityClass name');
		expect((await room.kubectl(['get', 'pod', 'lost', 'sneaky', 'policy', '--ignore-not-found', '-o', 'name'])).stdout).toBe('');
	});

	it('gives pods without a class the global default, of which there may be only one', async () => {
		expect(await jsonpath(['get', 'pod', 'critical'], '{.spec.priority}')).toBe('2000001000');
		expect((await apply(pod('plain'))).code).toBe(0);
		expect(await jsonpath(['get', 'pod', 'plain'], '{.spec.priority}|{.spec.priorityClassName}')).toBe('0|');
		expect((await apply(pc('everyone', 10, { globalDefault: true }))).code).toBe(0);
		const r = await apply(pc('also-everyone', 20, { globalDefault: true }));
		expect(r.stderr).toContain('priorityclasses.scheduling.k8s.io "also-everyone" is forbidden: PriorityClass everyone is already marked as default. Only one default can exist');
		expect((await apply(pod('defaulted'))).code).toBe(0);
		expect(await jsonpath(['get', 'pod', 'defaulted'], '{.spec.priority} {.spec.priorityClassName} {.spec.preemptionPolicy}')).toBe('10 everyone PreemptLowerPriority');
	});
});
