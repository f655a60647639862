/**
 * The fault runtime's decisions as pure functions over its state: which schedule entries are due,
 * injecting and recovering faults, and when to wake up next. Times are room-clock ms.
 *
 * A schedule's times count from when the runtime first saw it ("applied"); editing a schedule
 * (any change of its entries) starts it over, and removing it drops its pending entries (faults
 * it already injected recover as they would have).
 *
 * @module
 */
import { RECOVERED_KEPT, type ActiveFault, type FaultSchedule, type FaultsEvent, type FaultSpec, type FaultState } from './types';

/** Adds a fault in force now; returns the new state and the fault. */
export function inject(state: FaultState, spec: FaultSpec, now: number, source: string): { state: FaultState; fault: ActiveFault } {
	const seq = state.seq + 1;
	const { atMs: _at, ...rest } = spec as FaultSpec & { atMs?: number };
	const fault: ActiveFault = { ...rest, id: `f${seq}`, injectedAt: now, source, ...(spec.recoverAfterMs !== undefined ? { recoverAt: now + spec.recoverAfterMs } : {}) };
	return { state: { ...state, seq, active: [...state.active, fault] }, fault };
}

/** Ends a fault (by id); undefined when it is not in force. */
export function recover(state: FaultState, id: string, now: number): { state: FaultState; fault: ActiveFault } | undefined {
	const fault = state.active.find((f) => f.id === id);
	if (!fault) return undefined;
	const recovered = [...state.recovered, { ...fault, recoveredAt: now }].slice(-RECOVERED_KEPT);
	return { state: { ...state, active: state.active.filter((f) => f.id !== id), recovered }, fault };
}

/** Records the schedules present in the files: new or edited ones start now, removed ones are forgotten. */
export function syncSchedules(state: FaultState, schedules: FaultSchedule[], now: number): FaultState {
	const next: FaultState['schedules'] = {};
	for (const s of schedules) {
		const had = state.schedules[s.name];
		next[s.name] = had && had.hash === s.hash ? had : { hash: s.hash, appliedAt: now, fired: [] };
	}
	return { ...state, schedules: next };
}

export type Step = { kind: 'inject'; spec: FaultSpec; source: string; schedule: string; index: number } | { kind: 'recover'; id: string };

/** What is due at `now`, in time order (recoveries before injections at the same time). */
export function dueSteps(state: FaultState, schedules: FaultSchedule[], now: number): Step[] {
	const steps: Array<{ at: number; order: number; step: Step }> = [];
	for (const f of state.active) if (f.recoverAt !== undefined && f.recoverAt <= now) steps.push({ at: f.recoverAt, order: 0, step: { kind: 'recover', id: f.id } });
	for (const s of schedules) {
		const p = state.schedules[s.name];
		if (!p) continue;
		s.faults.forEach((entry, index) => {
			const at = p.appliedAt + entry.atMs;
			if (at <= now && !p.fired.includes(index)) steps.push({ at, order: 1, step: { kind: 'inject', spec: entry, source: `schedule/${s.name}/${index}`, schedule: s.name, index } });
		});
	}
	return steps.sort((a, b) => a.at - b.at || a.order - b.order).map((s) => s.step);
}

/** Marks a schedule entry as fired. */
export function markFired(state: FaultState, schedule: string, index: number): FaultState {
	const p = state.schedules[schedule];
	if (!p) return state;
	return { ...state, schedules: { ...state.schedules, [schedule]: { ...p, fired: [...p.fired, index].sort((a, b) => a - b) } } };
}

/** The next room time something is due (an entry or a recovery), if any. */
export function nextDue(state: FaultState, schedules: FaultSchedule[]): number | undefined {
	let next: number | undefined;
	const consider = (t: number) => (next = next === undefined ? t : Math.min(next, t));
	for (const f of state.active) if (f.recoverAt !== undefined) consider(f.recoverAt);
	for (const s of schedules) {
		const p = state.schedules[s.name];
		if (p) s.faults.forEach((e, i) => !p.fired.includes(i) && consider(p.appliedAt + e.atMs));
	}
	return next;
}

/** A schedule's entries with their due time and what became of them, for the API and the UI. */
export function scheduleView(state: FaultState, s: FaultSchedule): FaultsEvent['schedules'][number] {
	const p = state.schedules[s.name];
	return {
		name: s.name,
		path: s.path,
		appliedAt: p?.appliedAt,
		faults: s.faults.map((f, i) => {
			const source = `schedule/${s.name}/${i}`;
			const active = state.active.find((a) => a.source === source);
			const done = state.recovered.find((a) => a.source === source);
			const fate = active ? 'active' : p?.fired.includes(i) ? (done ? 'recovered' : 'fired') : 'pending';
			return { ...f, dueAt: p ? p.appliedAt + f.atMs : undefined, state: fate, ...(active ? { id: active.id } : {}) };
		})
	};
}
