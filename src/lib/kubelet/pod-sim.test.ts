import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/clock';
import { Backoff, goDuration } from './backoff';
import { NodeImages, parseImage } from './images';
import { MOUNT_TIMEOUT_MS, PodSim, type PodSimEnv } from './pod-sim';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const T0 = Date.parse('2026-01-01T00:00:00Z');

function sim(spec: Obj, annotations: Obj = {}, env: Partial<PodSimEnv> = {}) {
	const clock = new ManualClock(T0);
	const events: string[] = [];
	const pod = { metadata: { name: 'web', namespace: 'default', uid: 'u1', annotations }, spec: { restartPolicy: 'Always', ...spec } };
	const s = new PodSim(pod, {
		clock,
		hostIP: '172.18.0.2',
		podIP: '10.244.1.2',
		images: new NodeImages(),
		id: (l) => l.padEnd(64, '0'),
		onChange: () => {},
		onEvent: (type, reason, message) => events.push(`${type} ${reason} ${message}`),
		...env
	});
	s.start();
	return { s, clock, events, at: (ms: number) => clock.advance(T0 + ms - clock.now()) };
}

const nginx = { containers: [{ name: 'app', image: 'nginx:1.27' }] };
const state = (s: PodSim, i = 0) => {
	const cs = s.status().containerStatuses[i];
	return Object.keys(cs.state)[0] + (cs.state.waiting ? `:${cs.state.waiting.reason}` : '');
};

describe('PodSim', () => {
	it('goes ContainerCreating (no IP) → sandbox, pull and start in one sync → Running and Ready with its IP', () => {
		let changes = 0;
		const { s, at, events } = sim(nginx, {}, { onChange: () => changes++ });
		expect(s.status()).toMatchObject({ phase: 'Pending', hostIP: '172.18.0.2' });
		expect(s.status().podIP).toBeUndefined();
		expect(state(s)).toBe('waiting:ContainerCreating');
		expect(changes).toBe(1);
		// The sandbox exists from 1 s, but a v1.32 kubelet reports it with the sync's end: no status change while the image pulls.
		at(2_215);
		expect(changes).toBe(1);
		expect(s.status().podIP).toBeUndefined();
		expect(s.status().conditions[0]).toMatchObject({ type: 'PodReadyToStartContainers', status: 'False' });
		expect(state(s)).toBe('waiting:ContainerCreating');
		at(2_216);
		expect(changes).toBe(2);
		expect(s.status().podIP).toBe('10.244.1.2');
		expect(s.status().conditions[0]).toMatchObject({ type: 'PodReadyToStartContainers', status: 'True' });
		expect(s.status().phase).toBe('Running');
		expect(s.status().containerStatuses[0]).toMatchObject({ ready: true, started: true, restartCount: 0, image: 'docker.io/library/nginx:1.27' });
		expect(events).toEqual([
			'Normal Pulling Pulling image "nginx:1.27"',
			'Normal Pulled Successfully pulled image "nginx:1.27" in 1.216s (1.216s including waiting). Image size: 72955450 bytes.',
			'Normal Created Created container: app',
			'Normal Started Started container app'
		]);
	});

	it('a restarted kubelet picks up running containers as they are, and their planned exit stays due when it was', () => {
		const first = sim(nginx, { 'sim.converge.dev/crash-after-seconds': '60' });
		first.at(10_000);
		const before = first.s.status();
		expect(before.phase).toBe('Running');
		first.s.stop();
		// A new kubelet (same clock, 20 s later) finds the pod with the status the old one wrote.
		const clock = first.clock;
		clock.advance(20_000);
		const events: string[] = [];
		const pod = { ...first.s.pod, status: before };
		const again = new PodSim(pod, { clock, hostIP: '172.18.0.2', podIP: '10.244.1.2', images: new NodeImages(), id: (l) => l.padEnd(64, '0'), onChange: () => {}, onEvent: (type, reason, message) => events.push(`${type} ${reason} ${message}`) });
		expect(again.resumeRunning()).toBe(true);
		expect(again.status()).toEqual(before);
		expect(events).toEqual([]);
		// Started at 2 s by its status (whole seconds), it crashes 60 s later: at 62 s, not 60 s after the kubelet's restart.
		clock.advance(T0 + 61_999 - clock.now());
		expect(state(again)).toBe('running');
		clock.advance(1);
		expect(again.status().containerStatuses[0]).toMatchObject({ restartCount: 0, state: { terminated: { exitCode: 1, reason: 'Error' } } });
	});

	it('a pod that was not running starts as usual after a kubelet restart', () => {
		const first = sim(nginx);
		first.at(500);
		const pod = { ...first.s.pod, status: first.s.status() };
		const again = new PodSim(pod, { clock: first.clock, hostIP: '172.18.0.2', podIP: '10.244.1.2', images: new NodeImages(), id: (l) => l, onChange: () => {}, onEvent: () => {} });
		expect(again.resumeRunning()).toBe(false);
	});

	it('restarts a crashing container after 1 s, then backs off 10 s doubling to 5 min', () => {
		const { s, clock, at } = sim(nginx, { 'sim.converge.dev/crash-after-seconds': '5' });
		const delays: number[] = [];
		let seen = 0;
		for (let t = 0; t < 3_000_000 && delays.length < 8; t += 500) {
			at(t);
			const cs = s.status().containerStatuses[0];
			if (cs.state.running && cs.restartCount > seen) {
				seen = cs.restartCount;
				delays.push((Date.parse(cs.state.running.startedAt) - Date.parse(cs.lastState.terminated.finishedAt)) / 1000);
			}
		}
		expect(delays).toEqual([1, 10, 20, 40, 80, 160, 300, 300]);
		expect(clock.now()).toBeGreaterThan(T0);
	});

	it('shows CrashLoopBackOff with the kubelet message while backing off', () => {
		const { s, at } = sim(nginx, { 'sim.converge.dev/crash-after-seconds': '5' });
		// Start 2.216 s, exit 7.216 s, restart 8.216 s, exit 13.216 s, in back-off from 14.216 s.
		at(7_300);
		expect(state(s)).toBe('terminated');
		expect(s.status().containerStatuses[0].state.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
		at(14_300);
		expect(state(s)).toBe('waiting:CrashLoopBackOff');
		expect(s.status().containerStatuses[0].state.waiting.message).toBe('back-off 10s restarting failed container=app pod=web_default(u1)');
		expect(s.status().phase).toBe('Running');
	});

	it('runs readiness probes after initialDelaySeconds, every periodSeconds', () => {
		const spec = { containers: [{ name: 'app', image: 'nginx:1.27', readinessProbe: { httpGet: { port: 80 }, initialDelaySeconds: 5, periodSeconds: 10 } }] };
		const { s, at, events } = sim(spec, { 'sim.converge.dev/ready-after-seconds': '12' });
		// Started at 2.216 s: probes at +5 s (fails), +15 s (passes).
		at(2_216 + 14_999);
		expect(s.status().containerStatuses[0].ready).toBe(false);
		expect(events.filter((e) => e.includes('Unhealthy'))).toEqual(['Warning Unhealthy Readiness probe failed: HTTP probe failed with statuscode: 503']);
		at(2_216 + 15_000);
		expect(s.status().containerStatuses[0].ready).toBe(true);
		expect(s.status().conditions.find((c: Obj) => c.type === 'Ready').status).toBe('True');
	});

	it('restarts a container whose liveness probe fails failureThreshold times', () => {
		const spec = { containers: [{ name: 'app', image: 'nginx:1.27', livenessProbe: { tcpSocket: { port: 80 }, periodSeconds: 5, failureThreshold: 3 } }] };
		const { s, at, events } = sim(spec, { 'sim.converge.dev/fail-liveness-after-seconds': '12' });
		// Probes at +0, +5, +10 pass; +15, +20 fail; +25 is the third failure.
		at(2_216 + 24_999);
		expect(s.status().containerStatuses[0].restartCount).toBe(0);
		at(2_216 + 25_000);
		expect(events.filter((e) => e.includes('Killing'))).toEqual(['Normal Killing Container app failed liveness probe, will be restarted']);
		expect(s.status().containerStatuses[0].state.terminated).toMatchObject({ exitCode: 137 });
		at(2_216 + 26_000);
		expect(s.status().containerStatuses[0]).toMatchObject({ restartCount: 1, state: { running: expect.any(Object) } });
	});

	it('completes a Never pod as Succeeded; a failed one as Failed', () => {
		const done = sim({ restartPolicy: 'Never', containers: [{ name: 'job', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 3'] }] });
		done.at(60_000);
		expect(done.s.status().phase).toBe('Succeeded');
		expect(done.s.status().conditions.find((c: Obj) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
		const failed = sim({ restartPolicy: 'Never', ...nginx }, { 'sim.converge.dev/crash-after-seconds': '1', 'sim.converge.dev/exit-code': '3' });
		failed.at(60_000);
		expect(failed.s.status().phase).toBe('Failed');
		expect(failed.s.status().containerStatuses[0].state.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
	});

	it('terminates gracefully: preStop, then exit; SIGKILL at the end of the grace period', () => {
		const spec = { containers: [{ name: 'app', image: 'nginx:1.27', lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } } }] };
		const { s, at } = sim(spec);
		at(3_000);
		let done = 0;
		s.onTerminated = () => done++;
		s.terminate(30);
		at(7_999);
		expect(done).toBe(0);
		at(8_000);
		expect(done).toBe(1);
		expect(s.status().containerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
		expect(s.status().phase).toBe('Succeeded');
		const slow = sim(nginx, { 'sim.converge.dev/shutdown-seconds': '100' });
		slow.at(3_000);
		slow.s.terminate(10);
		slow.at(13_000);
		expect(slow.s.isFinished()).toBe(true);
		expect(slow.s.status().containerStatuses[0].state.terminated).toMatchObject({ exitCode: 137, reason: 'Error' });
	});

	it('pulls unknown images to ErrImagePull, then ImagePullBackOff', () => {
		const { s, at } = sim({ containers: [{ name: 'app', image: 'invalid.example/app:1' }] });
		at(60_000);
		const reasons = new Set<string>();
		for (let t = 60_000; t < 120_000; t += 500) {
			at(t);
			reasons.add(state(s));
		}
		expect([...reasons].sort()).toEqual(['waiting:ErrImagePull', 'waiting:ImagePullBackOff']);
		expect(s.status().phase).toBe('Pending');
	});
});

describe('Backoff', () => {
	it('starts over after twice the maximum without failures', () => {
		const b = new Backoff();
		b.next('k', 0);
		b.next('k', 1_000);
		expect(b.get('k')).toBe(20_000);
		b.next('k', 1_000 + 600_001);
		expect(b.get('k')).toBe(10_000);
	});
});

describe('helpers', () => {
	it('formats durations like Go', () => {
		expect([goDuration(523), goDuration(1_216), goDuration(10_000), goDuration(300_000), goDuration(62_500)]).toEqual(['523ms', '1.216s', '10s', '5m0s', '1m2.5s']);
	});

	it('normalizes image references like containerd', () => {
		expect(parseImage('nginx').normalized).toBe('docker.io/library/nginx:latest');
		expect(parseImage('bitnami/redis:7').normalized).toBe('docker.io/bitnami/redis:7');
		expect(parseImage('registry.k8s.io/pause:3.10').normalized).toBe('registry.k8s.io/pause:3.10');
		expect(parseImage('localhost:5000/app').normalized).toBe('localhost:5000/app:latest');
	});
});

describe('PodSim volume mounts (WaitForAttachAndMount)', () => {
	it('stays ContainerCreating without an IP until the claim is Bound; FailedMount only after 2 min 3 s', () => {
		let bound = false;
		const volumes = [{ name: 'data', persistentVolumeClaim: { claimName: 'data-db-0' } }];
		const { s, clock, events } = sim({ ...nginx, volumes }, {}, { unmountedVolumes: () => (bound ? [] : ['data']) });
		clock.advance(MOUNT_TIMEOUT_MS - 1000);
		expect(s.status().podIP).toBeUndefined();
		expect(state(s)).toBe('waiting:ContainerCreating');
		expect(events).toEqual([]);
		clock.advance(1000);
		expect(events).toEqual([
			'Warning FailedMount Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[], failed to process volumes=[data]: context deadline exceeded'
		]);
		bound = true;
		clock.advance(2000);
		expect(s.status().podIP).toBeUndefined();
		// Mounted, sandbox, pull and start: the sync that started the container reports the IP.
		clock.advance(2000);
		expect(s.status()).toMatchObject({ phase: 'Running', podIP: '10.244.1.2' });
	});
});
