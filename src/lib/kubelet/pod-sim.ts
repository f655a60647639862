/**
 * One pod as the simulated kubelet runs it: sandbox, image pulls, init containers in order, app
 * containers, probes, exits and restarts with CrashLoopBackOff, graceful termination. Everything
 * happens on timers of the given clock (the room clock; a ManualClock in tests); `status()` is
 * the pod status the kubelet would post now (generateAPIPodStatus), `onChange` says it changed,
 * `onEvent` records the kubelet's events.
 *
 * @module
 */
import type { Clock } from '../clock/clock';
import { Backoff, goDuration } from './backoff';
import { plannedExit, preStopMs, probeFailure, probeSpec, readiness, shutdownMs, SIM } from './behaviour';
import { imageID, imageSize, NodeImages, parseImage, pullFailure, pullMs, PULL, type ImageRef } from './images';
import { knob, numKnob } from './knobs';
import { rfc3339 } from '../kube/duration';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface PodSimEnv {
	clock: Clock;
	hostIP: string;
	podIP: string;
	images: NodeImages;
	/** A 64-hex id, the same for the same label (container ids). */
	id(label: string): string;
	onChange(): void;
	/** An event about the pod; `fieldPath` names the container (`spec.containers{app}`). */
	onEvent(type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void;
	/** The pod's volumes that cannot be mounted yet (claims not Bound); none when absent. */
	unmountedVolumes?(): string[];
	/** Why pulling `image` fails now (an injected registry fault), if it does. */
	pullFault?(ref: ImageRef): string | undefined;
	/** ms after which run `run` of the container crashes (an injected crash), if it does. */
	crashAfterMs?(container: string, run: number): number | undefined;
}

/** The volume manager's wait for attach and mount (podAttachAndMountTimeout, 2 min 3 s) and its poll here. */
export const MOUNT_TIMEOUT_MS = 123_000;
const MOUNT_POLL_MS = 1000;

/** One run of a container, kept for logs (current and previous). */
export interface Run {
	containerID: string;
	startedAt: number;
	finishedAt?: number;
	exitCode?: number;
	reason?: string;
}

interface Ctr {
	spec: Obj;
	name: string;
	init: boolean;
	ref: ImageRef;
	state: Obj;
	lastState: Obj;
	restartCount: number;
	ready: boolean;
	started: boolean;
	runs: Run[];
	/** Cancels the timers of the current step (pull, run, probes). */
	cancels: Array<() => void>;
}

const rfc = rfc3339;

export class PodSim {
	readonly containers: Ctr[];
	/** Reported: the kubelet's last sync saw the sandbox. */
	private sandboxReady = false;
	/** The runtime created it (reported at the next change). */
	private sandboxCreated = false;
	private initDone: boolean;
	private startTime: number;
	private backoff = new Backoff();
	private pullBackoff = new Backoff();
	private terminating = false;
	private finished = false;
	private stopped = false;
	private timers = new Set<() => void>();
	/** Called once the pod's containers all stopped after `terminate`. */
	onTerminated: (() => void) | undefined;
	private conditionTimes = new Map<string, { status: string; at: number }>();
	/** The kubelet's eviction message once the pod is evicted (node pressure). */
	private evicted: string | undefined;

	constructor(
		readonly pod: Obj,
		private readonly env: PodSimEnv
	) {
		const spec = pod.spec ?? {};
		const hasInit = (spec.initContainers ?? []).length > 0;
		const mk = (c: Obj, init: boolean): Ctr => ({
			spec: c,
			name: c.name,
			init,
			ref: parseImage(c.image ?? ''),
			state: { waiting: { reason: hasInit ? 'PodInitializing' : 'ContainerCreating' } },
			lastState: {},
			restartCount: 0,
			ready: false,
			started: false,
			runs: [],
			cancels: []
		});
		this.containers = [...(spec.initContainers ?? []).map((c: Obj) => mk(c, true)), ...(spec.containers ?? []).map((c: Obj) => mk(c, false))];
		this.initDone = !hasInit;
		this.startTime = env.clock.now();
	}

	get uid(): string {
		return this.pod.metadata.uid;
	}

	private get now(): number {
		return this.env.clock.now();
	}

	private get restartPolicy(): string {
		return this.pod.spec?.restartPolicy ?? 'Always';
	}

	private get podRef(): string {
		const m = this.pod.metadata;
		return `${m.name}_${m.namespace}(${m.uid})`;
	}

	/** Starts the pod: sandbox first, then init containers, then the app containers. */
	start(): void {
		this.changed();
		this.mountThen(() => this.startSandbox(), 0);
	}

	/** A container's status as the pod's last written status shows it (init or app container). */
	private lastStatusOf(c: Ctr): Obj | undefined {
		const st = this.pod.status ?? {};
		return (c.init ? st.initContainerStatuses : st.containerStatuses)?.find((x: Obj) => x.name === c.name);
	}

	/**
	 * The machine rebooted under the pod: its sandbox and containers died with it. The runtime still
	 * knows the old containers (its metadata is on disk), as the pod's last status shows them: a
	 * container that was running is exited with containerd's unknown state (255, `Unknown`) at
	 * `bootedAt`, so the next run is a restart (restartCount + 1, lastState that exit). Call before
	 * `start`; returns whether the pod had run here (the kubelet then says the sandbox changed).
	 */
	restoreAfterReboot(bootedAt: number): boolean {
		const st = this.pod.status ?? {};
		let ran = false;
		for (const c of this.containers) {
			const p = this.lastStatusOf(c);
			const t: Obj | undefined = p?.state?.running ? { exitCode: 255, reason: 'Unknown', startedAt: p.state.running.startedAt, finishedAt: rfc(bootedAt), containerID: p.containerID } : (p?.state?.terminated ?? p?.lastState?.terminated);
			if (!p || !t?.containerID) continue;
			ran = true;
			c.runs.push({ containerID: t.containerID, startedAt: Date.parse(t.startedAt), finishedAt: Date.parse(t.finishedAt), exitCode: t.exitCode, reason: t.reason });
			c.restartCount = p.restartCount ?? 0;
			c.lastState = p.lastState ?? {};
			if (p.state?.running || p.state?.terminated) c.state = { terminated: this.terminatedState(c.runs[0]) };
		}
		if (!ran) return false;
		if (st.startTime) this.startTime = Date.parse(st.startTime);
		this.event('Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
		return true;
	}

	/** WaitForAttachAndMount: the sandbox waits for the volumes; each timeout records FailedMount and waits again. */
	private mountThen(next: () => void, waited: number): void {
		const pending = this.env.unmountedVolumes?.() ?? [];
		if (pending.length === 0 || this.terminating) return next();
		if (waited >= MOUNT_TIMEOUT_MS) {
			const list = `[${pending.join(' ')}]`;
			this.event('Warning', 'FailedMount', `Unable to attach or mount volumes: unmounted volumes=${list}, unattached volumes=[], failed to process volumes=${list}: context deadline exceeded`);
			waited = 0;
		}
		this.after(MOUNT_POLL_MS, () => this.mountThen(next, waited + MOUNT_POLL_MS));
	}

	/**
	 * The sandbox is part of the runtime's SyncPod, which goes on to pull and start containers: a
	 * v1.32 kubelet reports it (PodReadyToStartContainers, the pod IP) with the status of its next
	 * sync, once the containers started or failed, not on its own (the mid-sync update came with
	 * kubernetes#134660, after v1.32).
	 */
	private startSandbox(): void {
		this.after(SIM.sandboxMs, () => {
			this.sandboxCreated = true;
			this.runInit(0);
		});
	}

	/** Cancels every timer (the pod is gone, or its kubelet stopped for good). */
	stop(): void {
		this.stopped = true;
		for (const c of this.timers) c();
		this.timers.clear();
	}

	isTerminating(): boolean {
		return this.terminating;
	}

	isFinished(): boolean {
		return this.finished;
	}

	private after(ms: number, fn: () => void, owner?: Ctr): void {
		if (this.stopped) return;
		const cancel = this.env.clock.setTimer(ms, () => {
			this.timers.delete(cancel);
			if (!this.stopped) fn();
		});
		this.timers.add(cancel);
		owner?.cancels.push(cancel);
	}

	private changed(): void {
		if (this.stopped) return;
		this.sandboxReady ||= this.sandboxCreated;
		this.env.onChange();
	}

	private event(type: 'Normal' | 'Warning', reason: string, message: string, c?: Ctr): void {
		if (this.stopped) return;
		this.env.onEvent(type, reason, message, c ? `spec.${c.init ? 'initContainers' : 'containers'}{${c.name}}` : undefined);
	}

	private cancelCtr(c: Ctr): void {
		for (const x of c.cancels.splice(0)) {
			x();
			this.timers.delete(x);
		}
	}

	private runInit(i: number): void {
		const inits = this.containers.filter((c) => c.init);
		if (i >= inits.length) {
			// Only a pod that had init containers changes here (Initialized was True from the start otherwise).
			if (!this.initDone) {
				this.initDone = true;
				this.changed();
			}
			return this.startApps(this.containers.filter((c) => !c.init), 0);
		}
		this.pullThen(inits[i], () => this.startContainer(inits[i], () => this.runInit(i + 1)));
	}

	/** Containers start one after another, each after its image is there (`SyncPod`). */
	private startApps(apps: Ctr[], i: number): void {
		if (i >= apps.length || this.terminating) return;
		this.pullThen(apps[i], () => {
			this.startContainer(apps[i]);
			this.startApps(apps, i + 1);
		});
	}

	private policy(c: Ctr): string {
		return c.spec.imagePullPolicy ?? (c.ref.tag === 'latest' ? 'Always' : 'IfNotPresent');
	}

	/** EnsureImageExists: pull per policy (with back-off after failures), then `next`. */
	private pullThen(c: Ctr, next: () => void): void {
		if (this.terminating) return;
		const image = c.spec.image;
		const present = this.env.images.has(c.ref);
		const policy = this.policy(c);
		if (policy === 'Never' || (policy === 'IfNotPresent' && present)) {
			if (!present) {
				const msg = `Container image "${image}" is not present with pull policy of Never`;
				c.state = { waiting: { reason: 'ErrImageNeverPull', message: msg } };
				this.event('Warning', 'ErrImageNeverPull', msg, c);
				return this.changed();
			}
			this.event('Normal', 'Pulled', `Container image "${image}" already present on machine`, c);
			return next();
		}
		const key = `${c.name}/${image}`;
		const now = this.now;
		const lastFail = (c.state.waiting?.reason === 'ErrImagePull' || c.state.waiting?.reason === 'ImagePullBackOff') ? c.state.waiting.failedAt : undefined;
		if (lastFail !== undefined && this.pullBackoff.isInBackOffSince(key, lastFail, now)) {
			const msg = `Back-off pulling image "${image}"`;
			c.state = { waiting: { reason: 'ImagePullBackOff', message: msg, failedAt: lastFail } };
			this.event('Normal', 'BackOff', msg, c);
			this.event('Warning', 'Failed', 'Error: ImagePullBackOff', c);
			this.changed();
			return this.after(this.pullBackoff.until(key, lastFail) - now, () => this.pullThen(c, next), c);
		}
		this.event('Normal', 'Pulling', `Pulling image "${image}"`, c);
		const pull = present ? PULL.manifestCheckMs : pullMs(c.ref, numKnob(this.pod.metadata, 'pull-seconds', c.name));
		const end = this.env.images.reserve(now, pull);
		this.after(end - now, () => {
			const failure = pullFailure(c.ref, knob(this.pod.metadata, 'image-pull', c.name) === 'fail') ?? this.env.pullFault?.(c.ref);
			if (failure) {
				this.pullBackoff.next(key, this.now);
				c.state = { waiting: { reason: 'ErrImagePull', message: failure, failedAt: this.now } };
				this.event('Warning', 'Failed', `Failed to pull image "${image}": ${failure}`, c);
				this.event('Warning', 'Failed', 'Error: ErrImagePull', c);
				this.changed();
				return this.after(SIM.plegMs, () => this.pullThen(c, next), c);
			}
			this.env.images.add(c.ref);
			this.event('Normal', 'Pulled', `Successfully pulled image "${image}" in ${goDuration(pull)} (${goDuration(end - now)} including waiting). Image size: ${imageSize(c.ref)} bytes.`, c);
			next();
		}, c);
	}

	/** Creates and starts the container, then plays its behaviour; `onSuccess` runs after a clean exit (init containers). */
	private startContainer(c: Ctr, onSuccess?: () => void): void {
		if (this.terminating) return;
		// The run's restart count names it: runs.length, or more after a reboot (earlier runs are not in `runs`).
		const run: Run = { containerID: `containerd://${this.env.id(`${this.uid}/${c.name}/${c.runs.length ? c.restartCount + 1 : 0}`)}`, startedAt: this.now };
		if (c.runs.length) {
			c.lastState = { terminated: this.terminatedState(c.runs[c.runs.length - 1]) };
			c.restartCount++;
		}
		c.runs.push(run);
		this.event('Normal', 'Created', `Created container: ${c.name}`, c);
		this.event('Normal', 'Started', `Started container ${c.name}`, c);
		c.state = { running: { startedAt: rfc(run.startedAt) } };
		c.ready = false;
		c.started = !c.spec.startupProbe;
		this.playRun(c, onSuccess);
		this.changed();
	}

	/** The current run's behaviour: its planned exit (counted from when it started) and its probes. */
	private playRun(c: Ctr, onSuccess?: () => void): void {
		const run = c.runs[c.runs.length - 1];
		let plan = plannedExit(this.pod, c.spec, c.init);
		const crash = c.init ? undefined : this.env.crashAfterMs?.(c.name, c.restartCount);
		if (crash !== undefined && (!plan || crash < plan.afterMs)) plan = { afterMs: crash, exitCode: 1, reason: 'Error' };
		if (plan) this.after(Math.max(0, run.startedAt + plan.afterMs - this.now), () => this.exit(c, plan.exitCode, plan.reason, onSuccess), c);
		if (!c.init) this.playProbes(c, onSuccess);
	}

	/**
	 * The kubelet restarted while its machine kept running (the server restarted, or the room was
	 * imported): the container runtime still runs the pod, so the kubelet picks its containers up
	 * as its status shows them (same ids, start times, restart counts, readiness) and goes on with
	 * their probes and planned exits, like the real kubelet after a restart. Returns false, leaving
	 * the pod to start as usual, unless every app container was running.
	 */
	resumeRunning(): boolean {
		const st = this.pod.status ?? {};
		const resumable = (c: Ctr) => {
			const p = this.lastStatusOf(c);
			return c.init ? p?.state?.terminated?.exitCode === 0 : !!(p?.state?.running && p.containerID);
		};
		if (!this.containers.some((c) => !c.init) || !this.containers.every(resumable)) return false;
		if (st.startTime) this.startTime = Date.parse(st.startTime);
		for (const c of st.conditions ?? []) if (c.lastTransitionTime) this.conditionTimes.set(c.type, { status: c.status, at: Date.parse(c.lastTransitionTime) });
		this.sandboxReady = this.sandboxCreated = true;
		this.initDone = true;
		for (const c of this.containers) {
			const p = this.lastStatusOf(c)!;
			c.restartCount = p.restartCount ?? 0;
			c.lastState = p.lastState ?? {};
			c.state = p.state;
			if (c.init) continue;
			c.runs.push({ containerID: p.containerID, startedAt: Date.parse(p.state.running.startedAt) });
			c.started = p.started ?? true;
			c.ready = p.ready === true;
			this.playRun(c);
		}
		this.changed();
		return true;
	}

	private playProbes(c: Ctr, onSuccess?: () => void): void {
		const sp = c.spec;
		const r = readiness(this.pod, c.name);
		const run = c.runs[c.runs.length - 1];
		const up = () => this.now - run.startedAt;
		if (sp.startupProbe) this.probe(c, 'startup', () => up() >= r.startupMs, () => {
			c.started = true;
			if (!sp.readinessProbe && up() >= r.readyMs) c.ready = true;
			this.changed();
		}, onSuccess);
		if (sp.readinessProbe) this.probe(c, 'readiness', () => !r.failReadiness && up() >= r.readyMs, () => void 0, onSuccess);
		else {
			const set = () => {
				if (!c.started) return this.after(1000, set, c);
				c.ready = true;
				this.changed();
			};
			if (r.readyMs === 0 && c.started) c.ready = true;
			else this.after(r.readyMs, set, c);
		}
		if (sp.livenessProbe) this.probe(c, 'liveness', () => r.livenessFailsAfterMs === undefined || up() < r.livenessFailsAfterMs, () => void 0, onSuccess);
	}

	/** A prober worker: the first probe after initialDelaySeconds, then every periodSeconds. */
	private probe(c: Ctr, kind: 'startup' | 'readiness' | 'liveness', ok: () => boolean, onPass: () => void, onSuccess?: () => void): void {
		const p = c.spec[`${kind}Probe`];
		const spec = probeSpec(p);
		let fails = 0;
		let passes = 0;
		const label = kind[0].toUpperCase() + kind.slice(1);
		const tick = () => {
			this.after(spec.periodMs, tick, c);
			// Readiness and liveness wait for the startup probe, like the kubelet's probe workers.
			if (kind !== 'startup' && !c.started) return;
			if (kind === 'startup' && c.started) return;
			if (ok()) {
				fails = 0;
				if (++passes >= spec.successThreshold) {
					if (kind === 'readiness' && !c.ready) {
						c.ready = true;
						this.changed();
					}
					onPass();
				}
				return;
			}
			passes = 0;
			fails++;
			this.event('Warning', 'Unhealthy', `${label} probe failed: ${probeFailure(p, this.env.podIP)}`, c);
			if (fails < spec.failureThreshold) return;
			if (kind === 'readiness') {
				if (c.ready) {
					c.ready = false;
					this.changed();
				}
				return;
			}
			this.event('Normal', 'Killing', `Container ${c.name} failed ${kind} probe, will be restarted`, c);
			this.cancelCtr(c);
			this.after(shutdownMs(this.pod, c.name), () => this.exit(c, 137, 'Error', onSuccess), c);
		};
		this.after(spec.initialDelayMs, tick, c);
	}

	private terminatedState(run: Run): Obj {
		return { exitCode: run.exitCode, reason: run.reason, startedAt: rfc(run.startedAt), finishedAt: rfc(run.finishedAt ?? this.now), containerID: run.containerID };
	}

	/** The container's process ended. */
	private exit(c: Ctr, exitCode: number, reason: string, onSuccess?: () => void): void {
		this.cancelCtr(c);
		const run = c.runs[c.runs.length - 1];
		if (!run || run.finishedAt !== undefined) return;
		Object.assign(run, { finishedAt: this.now, exitCode, reason });
		c.state = { terminated: this.terminatedState(run) };
		c.ready = false;
		c.started = false;
		this.changed();
		if (this.terminating) return this.checkTerminated();
		this.after(SIM.plegMs, () => this.afterExit(c, onSuccess), c);
	}

	/** computePodActions for an exited container: next init, restart (with back-off), or leave it. */
	private afterExit(c: Ctr, onSuccess?: () => void): void {
		if (this.terminating) return;
		const run = c.runs[c.runs.length - 1];
		const code = run.exitCode ?? 0;
		if (c.init && code === 0) return onSuccess?.();
		const restart = this.restartPolicy === 'Always' || (this.restartPolicy === 'OnFailure' && code !== 0);
		if (!restart) return this.changed();
		const key = c.name;
		const finished = run.finishedAt!;
		if (this.backoff.isInBackOffSince(key, finished, this.now)) {
			c.lastState = { terminated: this.terminatedState(run) };
			c.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${goDuration(this.backoff.get(key))} restarting failed container=${c.name} pod=${this.podRef}` } };
			this.event('Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${this.podRef}`, c);
			this.changed();
			return this.after(this.backoff.until(key, finished) - this.now, () => this.afterExit(c, onSuccess), c);
		}
		this.backoff.next(key, finished);
		this.pullThen(c, () => this.startContainer(c, onSuccess));
	}

	/** An injected crash: the running app containers `pick` chooses exit with code 1 after `afterMs`. */
	crashRunning(pick: (container: string, run: number) => boolean, afterMs: number): void {
		if (this.terminating || this.stopped) return;
		for (const c of this.containers) {
			if (c.init || !c.state.running || !pick(c.name, c.runs.length - 1)) continue;
			this.after(afterMs, () => this.exit(c, 1, 'Error'), c);
		}
	}

	/** Node-pressure eviction: the pod fails with `message` and its containers are killed (1 s grace, as for hard thresholds). */
	evict(message: string): void {
		if (this.evicted !== undefined || this.finished) return;
		this.evicted = message;
		this.terminate(1);
		this.changed();
	}

	isEvicted(): boolean {
		return this.evicted !== undefined;
	}

	/** Graceful termination (killPod): preStop hooks, SIGTERM, SIGKILL at the end of `graceSeconds`. */
	terminate(graceSeconds: number): void {
		if (this.terminating) return;
		this.terminating = true;
		const deadline = this.now + graceSeconds * 1000;
		for (const c of this.containers) {
			const running = c.state.running !== undefined;
			this.cancelCtr(c);
			if (!running) continue;
			this.event('Normal', 'Killing', `Stopping container ${c.name}`, c);
			const exitAt = Math.min(deadline, this.now + preStopMs(this.pod, c.spec) + shutdownMs(this.pod, c.name));
			const killed = exitAt === deadline && deadline < this.now + preStopMs(this.pod, c.spec) + shutdownMs(this.pod, c.name);
			this.after(exitAt - this.now, () => this.exit(c, killed ? 137 : 0, killed ? 'Error' : 'Completed'));
		}
		this.checkTerminated();
	}

	private checkTerminated(): void {
		if (this.finished || this.containers.some((c) => c.state.running)) return;
		this.finished = true;
		this.changed();
		this.onTerminated?.();
	}

	/** The run a log request reads (`previous`: the one before the current). */
	run(container: string, previous: boolean): { spec: Obj; run: Run } | undefined {
		const c = this.containers.find((x) => x.name === container);
		if (!c) return undefined;
		const r = c.runs[c.runs.length - (previous ? 2 : 1)];
		return r && { spec: c.spec, run: r };
	}

	private phase(): string {
		if (this.evicted !== undefined) return 'Failed';
		const apps = this.containers.filter((c) => !c.init);
		const inits = this.containers.filter((c) => c.init);
		if (!this.initDone) {
			const failed = inits.some((c) => c.state.terminated && c.state.terminated.exitCode !== 0);
			return failed && this.restartPolicy === 'Never' ? 'Failed' : 'Pending';
		}
		let waiting = 0, running = 0, stopped = 0, succeeded = 0;
		for (const c of apps) {
			if (c.state.running) running++;
			else if (c.state.terminated) {
				stopped++;
				if (c.state.terminated.exitCode === 0) succeeded++;
			} else if (c.lastState.terminated) stopped++;
			else waiting++;
		}
		if (this.finished) return succeeded === apps.length ? 'Succeeded' : 'Failed';
		if (waiting > 0) return 'Pending';
		if (running > 0) return 'Running';
		if (this.restartPolicy === 'Always') return 'Running';
		if (stopped === succeeded) return 'Succeeded';
		if (this.restartPolicy === 'Never') return 'Failed';
		return 'Running';
	}

	private condition(type: string, ok: boolean, reason?: string, message?: string): Obj {
		const status = ok ? 'True' : 'False';
		const prev = this.conditionTimes.get(type);
		const at = prev && prev.status === status ? prev.at : this.now;
		this.conditionTimes.set(type, { status, at });
		const c: Obj = { type, status, lastProbeTime: null, lastTransitionTime: rfc(at) };
		if (!ok && reason) c.reason = reason;
		if (!ok && message) c.message = message;
		return c;
	}

	private containerStatus(c: Ctr): Obj {
		const run = c.runs[c.runs.length - 1];
		const created = run !== undefined;
		const s: Obj = {
			name: c.name,
			state: c.state.waiting ? { waiting: { reason: c.state.waiting.reason, ...(c.state.waiting.message ? { message: c.state.waiting.message } : {}) } } : c.state,
			lastState: c.lastState,
			ready: c.ready,
			restartCount: c.restartCount,
			image: created ? c.ref.normalized : c.spec.image,
			imageID: created ? imageID(c.ref) : '',
			started: c.started
		};
		if (created) s.containerID = run.containerID;
		return s;
	}

	/** The status the kubelet posts now (merged by the caller with the conditions it does not own). */
	status(): Obj {
		const phase = this.phase();
		const apps = this.containers.filter((c) => !c.init);
		const inits = this.containers.filter((c) => c.init);
		const done = phase === 'Succeeded' || phase === 'Failed';
		const unready = apps.filter((c) => !c.ready).map((c) => c.name);
		const incomplete = inits.filter((c) => !(c.state.terminated?.exitCode === 0)).map((c) => c.name);
		const readyMsg = `containers with unready status: [${unready.join(' ')}]`;
		const conditions = [
			this.condition('PodReadyToStartContainers', this.sandboxReady && !this.finished),
			this.condition('Initialized', this.initDone, 'ContainersNotInitialized', `containers with incomplete status: [${incomplete.join(' ')}]`),
			this.condition('Ready', !done && unready.length === 0, done ? 'PodCompleted' : 'ContainersNotReady', done ? undefined : readyMsg),
			this.condition('ContainersReady', !done && unready.length === 0, done ? 'PodCompleted' : 'ContainersNotReady', done ? undefined : readyMsg)
		];
		if (this.evicted !== undefined) conditions.push({ ...this.condition('DisruptionTarget', true), reason: 'TerminationByKubelet', message: this.evicted });
		const status: Obj = { phase, conditions, hostIP: this.env.hostIP, hostIPs: [{ ip: this.env.hostIP }] };
		if (this.evicted !== undefined) Object.assign(status, { reason: 'Evicted', message: this.evicted });
		if (this.sandboxReady) Object.assign(status, { podIP: this.env.podIP, podIPs: [{ ip: this.env.podIP }] });
		status.startTime = rfc(this.startTime);
		if (inits.length) status.initContainerStatuses = inits.map((c) => this.containerStatus(c));
		status.containerStatuses = apps.map((c) => this.containerStatus(c));
		return status;
	}
}
