/**
 * The row of a Pod in `kubectl get pods` (pkg/printers printPod): READY as ready/total, STATUS
 * from the phase, init containers, container states and deletion, RESTARTS with the time of
 * the last restart.
 *
 * @module
 */
import { since } from './duration';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface RowCondition {
	type: string;
	status: string;
	reason?: string;
	message?: string;
}

const SUCCEEDED: RowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
const FAILED: RowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];

const restartable = (c: Obj | undefined) => c?.restartPolicy === 'Always';
const finishedAt = (c: Obj): number => {
	const t = c.lastState?.terminated?.finishedAt;
	return typeof t === 'string' ? Date.parse(t) : 0;
};

interface Tally {
	reason: string;
	restarts: number;
	ready: number;
	lastRestart: number;
}

/** The init containers' part of the status; returns true while initialization is in progress. */
function initStatus(pod: Obj, t: Tally, restartableRestarts: { n: number; last: number }): boolean {
	const specs = new Map<string, Obj>((pod.spec?.initContainers ?? []).map((c: Obj) => [c.name, c]));
	const total = (pod.spec?.initContainers ?? []).length;
	const statuses: Obj[] = pod.status?.initContainerStatuses ?? [];
	for (let i = 0; i < statuses.length; i++) {
		const c = statuses[i];
		t.restarts += c.restartCount ?? 0;
		if (c.lastState?.terminated) t.lastRestart = Math.max(t.lastRestart, finishedAt(c));
		const isRestartable = restartable(specs.get(c.name));
		if (isRestartable) {
			restartableRestarts.n += c.restartCount ?? 0;
			if (c.lastState?.terminated) restartableRestarts.last = Math.max(restartableRestarts.last, finishedAt(c));
		}
		const term = c.state?.terminated;
		const wait = c.state?.waiting;
		if (term && (term.exitCode ?? 0) === 0) continue;
		if (isRestartable && c.started === true) {
			if (c.ready) t.ready++;
			continue;
		}
		if (term) {
			t.reason = term.reason ? `Init:${term.reason}` : term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode ?? 0}`;
		} else if (wait?.reason && wait.reason !== 'PodInitializing') t.reason = `Init:${wait.reason}`;
		else t.reason = `Init:${i}/${total}`;
		return true;
	}
	return false;
}

/** The regular containers' part of the status (counted from the last, like kubectl). */
function containerStatus(pod: Obj, t: Tally): void {
	const status = pod.status ?? {};
	let hasRunning = false;
	const statuses: Obj[] = status.containerStatuses ?? [];
	for (let i = statuses.length - 1; i >= 0; i--) {
		const c = statuses[i];
		t.restarts += c.restartCount ?? 0;
		if (c.lastState?.terminated) t.lastRestart = Math.max(t.lastRestart, finishedAt(c));
		const wait = c.state?.waiting;
		const term = c.state?.terminated;
		if (wait?.reason) t.reason = wait.reason;
		else if (term?.reason) t.reason = term.reason;
		else if (term) t.reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode ?? 0}`;
		else if (c.ready && c.state?.running) {
			hasRunning = true;
			t.ready++;
		}
	}
	if (t.reason === 'Completed' && hasRunning) {
		const ready = (status.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True');
		t.reason = ready ? 'Running' : 'NotReady';
	}
}

function readinessGates(pod: Obj): string {
	const gates: Obj[] = pod.spec?.readinessGates ?? [];
	if (!gates.length) return '<none>';
	const conditions: Obj[] = pod.status?.conditions ?? [];
	const ok = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True').length;
	return `${ok}/${gates.length}`;
}

/** The cells and conditions of a pod's row at `now`. */
export function podRow(pod: Obj, now: number): { cells: unknown[]; conditions?: RowCondition[] } {
	const spec = pod.spec ?? {};
	const status = pod.status ?? {};
	const phase: string = status.phase ?? '';
	let total = (spec.containers ?? []).length;
	for (const c of spec.initContainers ?? []) if (restartable(c)) total++;
	const t: Tally = { reason: status.reason || phase, restarts: 0, ready: 0, lastRestart: 0 };
	for (const cond of status.conditions ?? []) if (cond.type === 'PodScheduled' && cond.reason === 'SchedulingGated') t.reason = 'SchedulingGated';
	const rr = { n: 0, last: 0 };
	const initializing = initStatus(pod, t, rr);
	const initialized = (status.conditions ?? []).some((c: Obj) => c.type === 'Initialized' && c.status === 'True');
	if (!initializing || initialized) {
		t.restarts = rr.n;
		t.lastRestart = rr.last;
		containerStatus(pod, t);
	}
	const deleting = !!pod.metadata?.deletionTimestamp;
	if (deleting && status.reason === 'NodeLost') t.reason = 'Unknown';
	else if (deleting && phase !== 'Failed' && phase !== 'Succeeded') t.reason = 'Terminating';
	const restarts = t.restarts !== 0 && t.lastRestart > 0 ? `${t.restarts} (${since(new Date(t.lastRestart).toISOString(), now)} ago)` : String(t.restarts);
	const cells = [
		pod.metadata?.name ?? '',
		`${t.ready}/${total}`,
		t.reason,
		restarts,
		since(pod.metadata?.creationTimestamp, now),
		status.podIPs?.[0]?.ip || '<none>',
		spec.nodeName || '<none>',
		status.nominatedNodeName || '<none>',
		readinessGates(pod)
	];
	const conditions = phase === 'Succeeded' ? SUCCEEDED : phase === 'Failed' ? FAILED : undefined;
	return conditions ? { cells, conditions } : { cells };
}
