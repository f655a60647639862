/**
 * A room for the lesson suites: the whole control plane, the room clock paused and stepped, and
 * the lessons API driven with the facilitator's token, like a facilitator's script would.
 *
 * @module
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { startKubeletRoom, type KubeletRoom, type Obj } from '../kubelet-room';
import type { CheckResult, LessonEvent } from '../../../src/lib/lessons';

export type LessonState = LessonEvent & { kind: 'LessonState'; available: Array<{ id: string; title: string; steps: number; source: string }> };

export interface LessonRoom extends KubeletRoom {
	facilitator: string;
	/** GET the lesson state (evaluated now). */
	state(token?: string): Promise<LessonState>;
	/** POST a lesson action as the facilitator (or `token`); returns the status and body. */
	act(body: Obj, token?: string): Promise<{ status: number; body: Obj }>;
	/** The current step's check results by id. */
	checks(): Promise<Record<string, CheckResult>>;
	/** Steps the clock a second at a time until every check of the current step passes (or `ids`). */
	untilPassed(ids?: string[], maxSeconds?: number): Promise<Record<string, CheckResult>>;
	/** Steps the clock a second at a time until the check `id` satisfies `pred`; returns every check then. */
	checkUntil(id: string, pred: (c: CheckResult) => boolean, maxSeconds?: number): Promise<Record<string, CheckResult>>;
	/** Replaces a room file (delete + create through the rooms API). */
	writeFile(path: string, content: string): Promise<void>;
	/** kubectl that must succeed; returns stdout. */
	kubectl(args: string[], input?: string): Promise<string>;
}

export async function startLessonRoom(lesson: string): Promise<LessonRoom> {
	const r = await startKubeletRoom();
	const facilitator = (r.k.tokens as Record<string, string>).facilitator ?? r.k.tokens.editor;
	const path = `/api/rooms/${r.k.roomId}/lesson`;
	// One room second, and a moment of wall time for what runs on it (debounces, re-evaluation).
	const tick = async () => {
		await r.step(1);
		await new Promise((res) => setTimeout(res, 25));
	};
	const room: LessonRoom = {
		...r,
		facilitator,
		state: async (token = facilitator) => (await (await r.k.api(path, { token })).json()) as LessonState,
		async act(body, token = facilitator) {
			const res = await r.k.api(path, { method: 'POST', token, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
			return { status: res.status, body: (await res.json()) as Obj };
		},
		checks: async () => Object.fromEntries((await room.state()).checks.map((c) => [c.id, c])),
		async untilPassed(ids, maxSeconds = 180) {
			let last: Record<string, CheckResult> = {};
			for (let i = 0; i < maxSeconds; i++) {
				last = await room.checks();
				const want = ids ?? Object.keys(last);
				if (want.length && want.every((id) => last[id]?.passed)) return last;
				await tick();
			}
			throw new Error(`checks never passed: ${JSON.stringify(Object.values(last).filter((c) => !c.passed))}`);
		},
		async checkUntil(id, pred, maxSeconds = 60) {
			let c = await room.checks();
			// Room seconds bound the wait, and so does wall time: the applier's debounce and the
			// checks' re-evaluation run on wall time, and a cold machine may need a few seconds.
			const wallEnd = Date.now() + 15_000;
			for (let i = 0; (i < maxSeconds || Date.now() < wallEnd) && !(c[id] && pred(c[id])); i++) {
				await tick();
				c = await room.checks();
			}
			return c;
		},
		async writeFile(p, content) {
			const files = `/api/rooms/${r.k.roomId}/files`;
			await r.k.api(`${files}?path=${encodeURIComponent(p)}`, { method: 'DELETE', token: facilitator });
			const res = await r.k.api(files, { method: 'POST', token: facilitator, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: p, content }) });
			expect(res.status, await res.text()).toBe(201);
		},
		async kubectl(args, input) {
			const out = await r.k.kubectl(args, input === undefined ? {} : { input });
			expect(out.code, out.stderr).toBe(0);
			return out.stdout;
		}
	};
	// The clock is the facilitator's.
	room.clock = async (body) => (await (await r.k.api(`/api/rooms/${r.k.roomId}/clock`, { method: 'POST', token: facilitator, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { time: number };
	room.step = (seconds) => room.clock({ action: 'step', seconds });
	await room.clock({ action: 'pause' });
	const started = await room.act({ action: 'start', lesson });
	expect(started.status, JSON.stringify(started.body)).toBe(200);
	return room;
}

/** A lesson room for the whole test file: started before its tests, stopped after. */
export function useLessonRoom(lesson: string): { r: LessonRoom } {
	const holder = {} as { r: LessonRoom };
	beforeAll(async () => {
		holder.r = await startLessonRoom(lesson);
	});
	afterAll(async () => {
		await holder.r?.k.stop();
	});
	return holder;
}
