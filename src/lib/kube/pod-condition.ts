/**
 * podutil.UpdatePodCondition: how the API server's own pod writes (binding, eviction) set a
 * condition: reason and message as given, lastProbeTime null, lastTransitionTime now unless the
 * status stays the same.
 *
 * @module
 */
import { rfc3339 } from './duration';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function setPodCondition(pod: Obj, cond: { type: string; status: string; reason?: string; message?: string }, now: number): void {
	pod.status ??= {};
	const conds: Obj[] = (pod.status.conditions ??= []);
	const next: Obj = { type: cond.type, status: cond.status, lastProbeTime: null, lastTransitionTime: rfc3339(now) };
	if (cond.reason) next.reason = cond.reason;
	if (cond.message) next.message = cond.message;
	const i = conds.findIndex((c) => c.type === cond.type);
	if (i < 0) conds.push(next);
	else {
		if (conds[i].status === cond.status) next.lastTransitionTime = conds[i].lastTransitionTime;
		conds[i] = next;
	}
}
