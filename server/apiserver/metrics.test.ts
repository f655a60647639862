import { describe, expect, it } from 'vitest';
import { ApiMetrics, clientName } from './metrics';

describe('API server metrics', () => {
	it('names clients from their User-Agent', () => {
		expect(clientName('kubectl/v1.32.3 (linux/amd64) kubernetes/32cc146')).toBe('kubectl');
		expect(clientName('kube-controller-manager/replicaset-controller')).toBe('kube-controller-manager/replicaset-controller');
		expect(clientName('kube-controller-manager/v1.32.0 (linux/amd64) kubernetes/converge/system:serviceaccount:kube-system:job-controller')).toBe('kube-controller-manager/job-controller');
		expect(clientName('kube-scheduler/v1.32.0 (linux/amd64) kubernetes/converge/scheduler')).toBe('kube-scheduler');
		expect(clientName('kube-controller-manager/v1.32.0 (linux/amd64) kubernetes/abc')).toBe('kube-controller-manager');
		expect(clientName('Mozilla/5.0 (X11; Linux x86_64) Chrome/120')).toBe('browser');
		expect(clientName(undefined)).toBe('unknown');
	});

	it('counts requests, errors, latency of finished requests, and open watches', () => {
		const m = new ApiMetrics();
		m.start('kubectl', 'get')(200);
		m.start('kubectl', 'create')(409);
		const endWatch = m.start('kubectl', 'watch');
		const endList = m.start('kubectl', 'list');
		let s = m.snapshot();
		expect(s.clients.kubectl).toMatchObject({ requests: 4, errors: 1, finished: 2, watches: 1, verbs: { get: 1, create: 1, watch: 1, list: 1 } });
		// A watch is long-running: kube-apiserver does not count it in flight.
		expect(s.inflight).toBe(1);
		endList(200);
		endWatch(200);
		endWatch(200);
		s = m.snapshot();
		expect(s.clients.kubectl.watches).toBe(0);
		expect(s.clients.kubectl.finished).toBe(3);
		expect(s.inflight).toBe(0);
	});
});
