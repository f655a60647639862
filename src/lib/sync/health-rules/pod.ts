/** Pod health as gitops-engine's health_pod.go decides it. */
import type { KubeObject } from '../../controllers/types';
import type { HealthStatus } from '../types';
import type { Obj } from './util';

const failing = (reason: unknown): boolean => typeof reason === 'string' && (reason.startsWith('Err') || reason.endsWith('Error') || reason.endsWith('BackOff'));

function failMessage(c: Obj): string {
	const t = c.state?.terminated;
	if (!t) return '';
	if (t.message) return t.message;
	if (t.reason === 'OOMKilled') return t.reason;
	if (t.exitCode) return `container "${c.name}" failed with exit code ${t.exitCode}`;
	return '';
}

export function podHealth(pod: KubeObject): HealthStatus {
	const s = pod.status ?? {};
	const statuses: Obj[] = Array.isArray(s.containerStatuses) ? s.containerStatuses : [];
	const restartPolicy = pod.spec?.restartPolicy ?? 'Always';
	// Only for long-running pods: a hook pod (OnFailure/Never) may recover from a pull error.
	if (restartPolicy === 'Always') {
		const waiting = statuses.map((c) => c.state?.waiting).filter((w) => w && failing(w.reason));
		if (waiting.length) return { status: 'Degraded', message: waiting.map((w) => w.message ?? '').join(', ') };
	}
	const message: string | undefined = s.message || undefined;
	switch (s.phase) {
		case 'Pending':
			return { status: 'Progressing', message };
		case 'Succeeded':
			return { status: 'Healthy', message };
		case 'Failed': {
			if (message) return { status: 'Degraded', message };
			const init: Obj[] = Array.isArray(s.initContainerStatuses) ? s.initContainerStatuses : [];
			for (const c of [...init, ...statuses]) {
				const m = failMessage(c);
				if (m) return { status: 'Degraded', message: m };
			}
			return { status: 'Degraded' };
		}
		case 'Running': {
			if (restartPolicy !== 'Always') return { status: 'Progressing', message };
			const ready = (s.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True');
			if (ready) return { status: 'Healthy', message };
			if (statuses.some((c) => c.lastState?.terminated)) return { status: 'Degraded', message };
			return { status: 'Progressing', message };
		}
	}
	return { status: 'Unknown', message };
}
