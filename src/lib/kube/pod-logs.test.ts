import { describe, expect, it } from 'vitest';
import { checkContainerLogStatus, logContainer } from './pod-logs';

const pod = (spec: object, status: object = {}) => ({ metadata: { name: 'web' }, spec, status });
const message = (fn: () => void) => {
	try {
		fn();
		return 'ok';
	} catch (e) {
		return (e as Error).message;
	}
};

describe('logContainer', () => {
	it('picks the only container or asks for one, init containers listed first', () => {
		expect(logContainer(pod({ containers: [{ name: 'a' }] }), '')).toBe('a');
		const two = pod({ initContainers: [{ name: 'init' }], containers: [{ name: 'a' }, { name: 'b' }] });
		expect(message(() => logContainer(two, ''))).toBe('a container name must be specified for pod web, choose one of: [init a b]');
		expect(logContainer(two, 'init')).toBe('init');
		expect(message(() => logContainer(two, 'c'))).toBe('container c is not valid for pod web');
	});
});

describe('checkContainerLogStatus', () => {
	const status = (state: object, lastState: object = {}) => pod({ containers: [{ name: 'a' }] }, { containerStatuses: [{ name: 'a', state, lastState }] });
	it('answers like the kubelet for each state', () => {
		expect(message(() => checkContainerLogStatus(pod({ containers: [{ name: 'a' }] }), 'a', false))).toBe('container "a" in pod "web" is waiting to start: ContainerCreating');
		expect(message(() => checkContainerLogStatus(status({ waiting: { reason: 'ImagePullBackOff' } }), 'a', false))).toBe(
			'container "a" in pod "web" is waiting to start: trying and failing to pull image'
		);
		expect(message(() => checkContainerLogStatus(status({ running: {} }), 'a', false))).toBe('ok');
		expect(message(() => checkContainerLogStatus(status({ running: {} }), 'a', true))).toBe('previous terminated container "a" in pod "web" not found');
		expect(message(() => checkContainerLogStatus(status({ terminated: {} }), 'a', false))).toBe('container "a" in pod "web" is terminated');
		expect(message(() => checkContainerLogStatus(status({ waiting: { reason: 'CrashLoopBackOff' } }, { terminated: { containerID: 'x' } }), 'a', false))).toBe('ok');
	});
});
