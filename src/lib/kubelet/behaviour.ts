/**
 * What a simulated container does once started, from its spec and the pod's knobs: when (if ever)
 * it exits and how, when it counts as started and ready, when its liveness probe starts failing,
 * and how long its preStop hook and its shutdown take.
 *
 * @module
 */
import { quantityValue } from '../kube/quantity';
import { flagKnob, numKnob } from './knobs';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Defaults of the simulation (ms). */
export const SIM = {
	/** Creating the pod sandbox (network namespace, pause container) before containers start. */
	sandboxMs: 1_000,
	/** The kubelet notices an exited container on its next PLEG relist. */
	plegMs: 1_000,
	/** A container over its memory limit is OOM-killed this long after it starts. */
	oomAfterMs: 2_000,
	/** A run-to-completion container (Job pod, init container, `sleep N` in a tools image) with no other hint runs this long. */
	runMs: 5_000,
	initRunMs: 1_000
};

/** Images that run a command and exit (Job-style) rather than serve. */
const TOOL_IMAGES = /(^|\/)(busybox|alpine|ubuntu|debian|bash|perl|curlimages\/curl)(:|@|$)/;

export interface Exit {
	afterMs: number;
	exitCode: number;
	reason: 'Completed' | 'Error' | 'OOMKilled';
}

/** `sleep 30` (or `sleep 30; ...`) in the container's command line: how long it runs. */
function sleepSeconds(c: Obj): number | undefined {
	const line = [...(c.command ?? []), ...(c.args ?? [])].join(' ');
	if (/sleep\s+(infinity|inf)\b/.test(line)) return Infinity;
	const m = /sleep\s+(\d+(?:\.\d+)?)/.exec(line);
	return m ? Number(m[1]) : undefined;
}

const exitReason = (code: number) => (code === 0 ? 'Completed' : 'Error');

/** When and how the container's current run ends, or undefined if it runs until stopped. */
export function plannedExit(pod: Obj, c: Obj, init: boolean): Exit | undefined {
	const m = pod.metadata;
	const name = c.name as string;
	const code = numKnob(m, 'exit-code', name);
	const crash = numKnob(m, 'crash-after-seconds', name);
	const memory = numKnob(m, 'memory-mi', name);
	const limit = quantityValue(c.resources?.limits?.memory);
	if (memory !== undefined && Number.isFinite(limit) && memory * 2 ** 20 > limit)
		return { afterMs: crash !== undefined ? crash * 1000 : SIM.oomAfterMs, exitCode: 137, reason: 'OOMKilled' };
	if (crash !== undefined) {
		const exitCode = code ?? 1;
		return { afterMs: crash * 1000, exitCode, reason: exitReason(exitCode) };
	}
	let run = numKnob(m, 'run-seconds', name);
	const sleep = sleepSeconds(c);
	if (run === undefined && sleep !== undefined) run = sleep;
	if (run === Infinity) return undefined;
	const jobPod = (m.ownerReferences ?? []).some((r: Obj) => r.kind === 'Job' && r.controller);
	const toolRun = TOOL_IMAGES.test(c.image ?? '') && (c.command?.length || c.args?.length);
	if (run === undefined && (init || jobPod || toolRun)) run = (init ? SIM.initRunMs : SIM.runMs) / 1000;
	if (run === undefined) return code !== undefined ? { afterMs: SIM.runMs, exitCode: code, reason: exitReason(code) } : undefined;
	const exitCode = code ?? 0;
	return { afterMs: run * 1000, exitCode, reason: exitReason(exitCode) };
}

/** After start: ms until the app is up (startup probe passes) and until it answers readiness. */
export function readiness(pod: Obj, name: string): { startupMs: number; readyMs: number; failReadiness: boolean; livenessFailsAfterMs?: number } {
	const m = pod.metadata;
	const startupMs = (numKnob(m, 'startup-seconds', name) ?? 0) * 1000;
	const readyMs = Math.max(startupMs, (numKnob(m, 'ready-after-seconds', name) ?? 0) * 1000);
	const live = numKnob(m, 'fail-liveness-after-seconds', name);
	return { startupMs, readyMs, failReadiness: flagKnob(m, 'fail-readiness', name), livenessFailsAfterMs: live === undefined ? undefined : live * 1000 };
}

/** How long the preStop hook runs: the knob, or `sleep N` in an exec hook, or a short HTTP call. */
export function preStopMs(pod: Obj, c: Obj): number {
	const hook = c.lifecycle?.preStop;
	if (!hook) return 0;
	const k = numKnob(pod.metadata, 'prestop-seconds', c.name);
	if (k !== undefined) return k * 1000;
	if (hook.sleep?.seconds !== undefined) return hook.sleep.seconds * 1000;
	const s = hook.exec ? sleepSeconds({ command: hook.exec.command }) : undefined;
	return s !== undefined && Number.isFinite(s) ? s * 1000 : 0;
}

/** How long the process takes to exit after SIGTERM (`sim.converge.dev/shutdown-seconds`, default at once). */
export function shutdownMs(pod: Obj, name: string): number {
	return (numKnob(pod.metadata, 'shutdown-seconds', name) ?? 0) * 1000;
}

export interface ProbeSpec {
	initialDelayMs: number;
	periodMs: number;
	failureThreshold: number;
	successThreshold: number;
}

/** A probe's timing with the API defaults (period 10 s, failureThreshold 3, successThreshold 1). */
export function probeSpec(p: Obj): ProbeSpec {
	return {
		initialDelayMs: (p.initialDelaySeconds ?? 0) * 1000,
		periodMs: (p.periodSeconds ?? 10) * 1000,
		failureThreshold: p.failureThreshold ?? 3,
		successThreshold: p.successThreshold ?? 1
	};
}

/** The prober's failure output for the probe's handler, as in the `Unhealthy` events. */
export function probeFailure(p: Obj, podIP: string): string {
	if (p.httpGet) return 'HTTP probe failed with statuscode: 503';
	if (p.tcpSocket) return `dial tcp ${podIP}:${p.tcpSocket.port}: connect: connection refused`;
	if (p.grpc) return `timeout: failed to connect service "${podIP}:${p.grpc.port}" within 1s`;
	return '';
}
