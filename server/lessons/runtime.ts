/**
 * A room's lesson at run time: its progress (state.ts), the current step's checks evaluated
 * against the live cluster through the room's kube API (lists of the kinds the checks read, over
 * the controllers' loopback, like any API client), re-evaluated shortly after the room's store
 * changes (a debounce on wall time, so a paused or racing room clock changes nothing), and
 * published to browsers as the room event `lesson` when the result changes.
 *
 * One runtime per loaded room, created on first use (the rooms API; the Lesson view asks on
 * mount). It ends when the room's store closes (the room unloads).
 *
 * @module
 */
import type { Agent } from 'node:http';
import { join } from 'node:path';
import type { Room } from '../rooms/room';
import type { RoomRegistry } from '../rooms/registry';
import type { Config } from '../config';
import { ApiError, type KubeClient, type KubeObject, type ResourceRef } from '../../src/lib/controllers/types';
import { CHECK_KINDS, evaluateCheck, kindsOf, parseLesson, type CheckResult, type Lesson, type LessonEvent } from '../../src/lib/lessons';
import { acquireLoopback } from '../controllers/runtime/loopback';
import { HttpKubeClient, keepAliveAgent } from '../controllers/runtime/http-client';
import { StatusError } from '../http/respond';
import { shippedLessons } from './catalog';
import { readProgress, writeProgress, type LessonProgress } from './state';
import { writeLessonFiles } from './room-files';

/** Tunables (wall time). */
export const LESSON_RUNTIME = {
	/** After a store change, evaluate this much later (changes in between share one evaluation). */
	debounceMs: 300,
	/** Imported lessons per room. */
	maxImported: 10
};

const enc = new TextEncoder();

export interface LessonDeps {
	rooms: RoomRegistry;
	config: Config;
}

export class LessonRuntime {
	private results: CheckResult[] = [];
	private evaluatedAt: string | undefined;
	private published = '';
	private timer: ReturnType<typeof setTimeout> | undefined;
	private stopped = false;
	private running: Promise<LessonEvent> | undefined;
	private again = false;
	private readonly cancelWatch: () => void;

	private constructor(
		private readonly room: Room,
		private readonly deps: LessonDeps,
		private progress: LessonProgress,
		private readonly client: KubeClient,
		private readonly agent: Agent,
		private readonly release: () => void
	) {
		const watch = room.store.watch({ key: enc.encode('/registry/'), rangeEnd: enc.encode('/registry0'), prevKv: false }, (m) => {
			if (m.type === 'events') this.schedule();
			else if (m.type === 'canceled' || m.type === 'compacted') this.stop();
		});
		this.cancelWatch = () => watch.cancel();
	}

	static async open(room: Room, deps: LessonDeps): Promise<LessonRuntime> {
		const progress = await readProgress(roomDir(room, deps.config));
		// The runtime holds the loopback listener until it stops.
		const loop = acquireLoopback(deps.rooms, deps.config);
		const origin = await loop.origin.catch((e: Error) => (loop.release(), Promise.reject(e)));
		const agent = keepAliveAgent();
		const client = new HttpKubeClient({ origin, roomId: room.id, token: room.meta.tokens.editor, agent, fieldManager: 'converge-lessons', userAgent: 'converge-lessons' });
		return new LessonRuntime(room, deps, progress, client, agent, loop.release);
	}

	get isStopped(): boolean {
		return this.stopped;
	}

	stop(): void {
		if (this.stopped) return;
		this.stopped = true;
		clearTimeout(this.timer);
		this.cancelWatch();
		this.agent.destroy();
		this.release();
	}

	/** Shipped lessons and the room's imported ones. */
	async available(): Promise<Array<Lesson & { source: 'shipped' | 'room' }>> {
		const shipped = (await shippedLessons()).map((l) => ({ ...l, source: 'shipped' as const }));
		const imported = Object.entries(this.progress.imported).map(([id, files]) => ({ ...parseLesson(id, files), source: 'room' as const }));
		return [...shipped, ...imported];
	}

	private async current(): Promise<(Lesson & { source: 'shipped' | 'room' }) | undefined> {
		const l = this.progress.lesson;
		if (!l) return undefined;
		return (await this.available()).find((x) => x.id === l.id && x.source === l.source);
	}

	/** Starts `id` at its first step, writing its starting files into the room. */
	async start(id: string, opts: { clean?: boolean }): Promise<LessonEvent> {
		const all = await this.available();
		const lesson = all.find((l) => l.id === id && l.source === 'room') ?? all.find((l) => l.id === id);
		if (!lesson) throw new StatusError(404, 'NotFound', `lesson "${id}" not found; one of: ${all.map((l) => l.id).join(', ')}`);
		writeLessonFiles(this.room.doc, lesson.files, this.deps.config.limits, opts.clean === true);
		await this.room.flush();
		this.progress = { ...this.progress, lesson: { id, source: lesson.source }, step: 0, completed: [], startedAt: new Date().toISOString() };
		this.results = [];
		await this.save();
		return this.evaluate();
	}

	/** Moves the room to step `to` (index or step id), `next` or `previous`. */
	async goTo(to: number | string): Promise<LessonEvent> {
		const lesson = await this.current();
		if (!lesson) throw new StatusError(409, 'Conflict', `no lesson runs in room "${this.room.id}"; start one first`);
		const n = lesson.steps.length;
		const step = to === 'next' ? this.progress.step + 1 : to === 'previous' ? this.progress.step - 1 : typeof to === 'number' ? to : lesson.steps.findIndex((s) => s.id === to);
		if (!Number.isInteger(step) || step < 0 || step >= n) throw new StatusError(422, 'Invalid', `step must be a step id or an index from 0 to ${n - 1}`);
		this.progress = { ...this.progress, step };
		this.results = [];
		await this.save();
		return this.evaluate();
	}

	async end(): Promise<LessonEvent> {
		this.progress = { ...this.progress, lesson: undefined, step: 0, completed: [] };
		this.results = [];
		await this.save();
		return this.evaluate();
	}

	/** Imports a lesson folder into the room (replacing one with the same id). */
	async import(id: string, files: Record<string, string>): Promise<Lesson> {
		let lesson: Lesson;
		try {
			lesson = parseLesson(id, files);
		} catch (e) {
			if (e instanceof RangeError) throw new StatusError(422, 'Invalid', `the lesson is invalid: ${e.message}`);
			throw e;
		}
		const imported = { ...this.progress.imported, [id]: files };
		if (Object.keys(imported).length > LESSON_RUNTIME.maxImported) throw new StatusError(422, 'Invalid', `a room may hold at most ${LESSON_RUNTIME.maxImported} imported lessons`);
		this.progress = { ...this.progress, imported };
		await this.save();
		return lesson;
	}

	/** Evaluates the current step now (concurrent callers share one run) and publishes a change. */
	evaluate(): Promise<LessonEvent> {
		if (this.running) {
			this.again = true;
			return this.running;
		}
		const run = this.evaluateOnce().finally(() => {
			this.running = undefined;
			if (this.again) {
				this.again = false;
				this.schedule();
			}
		});
		this.running = run;
		return run;
	}

	private schedule(): void {
		if (this.stopped || this.timer || !this.progress.lesson) return;
		this.timer = setTimeout(() => {
			this.timer = undefined;
			void this.evaluate().catch((e: Error) => this.deps.config.log(`room ${this.room.id}: lesson checks failed: ${e.message}`));
		}, LESSON_RUNTIME.debounceMs);
	}

	private async evaluateOnce(): Promise<LessonEvent> {
		const lesson = await this.current();
		const step = lesson?.steps[this.progress.step];
		if (lesson && step) {
			const lists = await this.lists([...new Set(step.checks.flatMap(kindsOf))]);
			this.results = step.checks.map((c) => evaluateCheck(c, { list: (r) => lists.get(r.kind) ?? [] }));
			this.evaluatedAt = new Date().toISOString();
			if (this.results.length && this.results.every((r) => r.passed) && !this.progress.completed.includes(step.id)) {
				this.progress = { ...this.progress, completed: [...this.progress.completed, step.id] };
				await this.save();
			}
		}
		const event = this.event(lesson);
		const json = JSON.stringify(event);
		if (json !== this.published && !this.stopped) {
			this.published = json;
			this.room.publish(event);
		}
		return event;
	}

	/** Lists of the kinds the checks read; a kind the API does not serve (a CRD not yet installed) is empty. */
	private async lists(kinds: string[]): Promise<Map<string, KubeObject[]>> {
		const out = new Map<string, KubeObject[]>();
		await Promise.all(
			kinds.map(async (kind) => {
				const ref: ResourceRef | undefined = CHECK_KINDS[kind];
				if (!ref) return;
				try {
					out.set(kind, (await this.client.list(ref)).items);
				} catch (e) {
					if (!(e instanceof ApiError && e.code === 404)) throw e;
					out.set(kind, []);
				}
			})
		);
		return out;
	}

	/** The state as browsers and the API see it. */
	private event(lesson: (Lesson & { source: 'shipped' | 'room' }) | undefined): LessonEvent {
		if (!lesson) return { type: 'lesson', step: 0, checks: [], completed: [] };
		const step = lesson.steps[this.progress.step];
		return {
			type: 'lesson',
			lesson: { id: lesson.id, title: lesson.title, summary: lesson.summary, source: lesson.source, steps: lesson.steps.map((s) => ({ id: s.id, title: s.title })) },
			step: this.progress.step,
			...(step ? { markdown: lesson.sources[step.markdown] } : {}),
			checks: this.results,
			completed: this.progress.completed,
			...(this.evaluatedAt ? { evaluatedAt: this.evaluatedAt } : {})
		};
	}

	private save(): Promise<void> {
		return writeProgress(roomDir(this.room, this.deps.config), this.progress);
	}
}

const roomDir = (room: Room, config: Config) => join(config.dataDir, 'rooms', room.id);

const runtimes = new WeakMap<Room, Promise<LessonRuntime>>();

/** The room's lesson runtime, opened on first use (and again after its room reloaded). */
export async function lessonRuntime(room: Room, deps: LessonDeps): Promise<LessonRuntime> {
	let p = runtimes.get(room);
	if (p) {
		const rt = await p.catch(() => undefined);
		if (rt && !rt.isStopped) return rt;
	}
	p = LessonRuntime.open(room, deps);
	runtimes.set(room, p);
	p.catch(() => runtimes.delete(room));
	return p;
}
