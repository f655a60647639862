/**
 * A lesson folder (path → text) parsed and validated into a `Lesson`:
 *
 *     lesson.yaml        title, summary, steps (id, title, markdown, checks)
 *     steps/*.md         the steps' text (any path the step names)
 *     files/**          starting manifests, written into the room's files at the same relative path
 *
 * Errors are RangeErrors naming the file and the field, so an import can answer 422 with them.
 *
 * @module
 */
import { parse } from 'yaml';
import { parseLabelSelector } from '../kube/label-selector';
import { CHECK_KINDS } from './kinds';
import { parsePath } from './matchers';
import type { Check, Lesson, LessonStep } from './types';

export const LESSON_FILE = 'lesson.yaml';
export const FILES_DIR = 'files/';

/** Bounds of one lesson (imports are user input). */
export const LESSON_LIMITS = { files: 64, bytes: 512 * 1024, steps: 50, checksPerStep: 20 };

const ID = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function fail(where: string, msg: string): never {
	throw new RangeError(`${where}: ${msg}`);
}

function str(v: unknown, where: string, required = true): string | undefined {
	if (v === undefined || v === null) return required ? fail(where, 'is required') : undefined;
	if (typeof v !== 'string') fail(where, 'must be a string');
	return v;
}

const rec = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function checkPaths(pred: unknown, where: string): void {
	if (pred === undefined) return;
	if (!rec(pred)) fail(where, 'must be a map of field paths to values');
	for (const k of Object.keys(pred)) {
		try {
			parsePath(k);
		} catch (e) {
			fail(where, (e as Error).message);
		}
	}
}

/** Validates one check as declared; fills in its id. */
function parseCheck(raw: unknown, where: string, fallbackId: string): Check {
	if (!rec(raw)) fail(where, 'must be a map');
	const id = str(raw.id, `${where}.id`, false) ?? fallbackId;
	const title = str(raw.title, `${where}.title`)!;
	const shapes = ['kind', 'vip', 'connection'].filter((k) => raw[k] !== undefined);
	if (shapes.length !== 1) fail(where, 'must have exactly one of kind, vip, connection');
	if (raw.kind !== undefined) {
		const kind = str(raw.kind, `${where}.kind`)!;
		if (!CHECK_KINDS[kind]) fail(`${where}.kind`, `unknown kind "${kind}"; one of: ${Object.keys(CHECK_KINDS).join(', ')}`);
		if (raw.selector !== undefined) {
			try {
				parseLabelSelector(str(raw.selector, `${where}.selector`)!);
			} catch (e) {
				fail(`${where}.selector`, (e as Error).message);
			}
		}
		if (raw.name === undefined && raw.count === undefined && raw.distinctNodes === undefined) fail(where, 'needs a name, or a count or distinctNodes for a list');
		checkPaths(raw.expect, `${where}.expect`);
		checkPaths(raw.where, `${where}.where`);
	} else if (raw.vip !== undefined) {
		if (!rec(raw.vip) || typeof raw.vip.node !== 'string' || typeof raw.vip.service !== 'string') fail(`${where}.vip`, 'needs node and service');
		if (!rec(raw.expect)) fail(`${where}.expect`, 'is required (verdict, backends, localBackends)');
	} else {
		const c = raw.connection;
		if (!rec(c) || c.from === undefined || typeof c.to !== 'string') fail(`${where}.connection`, 'needs from and to');
		if (typeof raw.expect !== 'string') fail(`${where}.expect`, 'must be allowed, denied or a trace outcome');
	}
	return { ...(raw as object), id, title } as Check;
}

function parseStep(raw: unknown, i: number, sources: Record<string, string>): LessonStep {
	const where = `${LESSON_FILE} steps[${i}]`;
	if (!rec(raw)) fail(where, 'must be a map');
	const id = str(raw.id, `${where}.id`)!;
	if (!ID.test(id)) fail(`${where}.id`, 'must be lowercase letters, digits and dashes');
	const markdown = str(raw.markdown, `${where}.markdown`)!;
	if (sources[markdown] === undefined) fail(`${where}.markdown`, `file "${markdown}" is not in the lesson`);
	const checks = raw.checks ?? [];
	if (!Array.isArray(checks) || checks.length > LESSON_LIMITS.checksPerStep) fail(`${where}.checks`, `must be a list of at most ${LESSON_LIMITS.checksPerStep} checks`);
	const parsed = checks.map((c, j) => parseCheck(c, `${where}.checks[${j}]`, `${id}-${j + 1}`));
	const ids = new Set<string>();
	for (const c of parsed) {
		if (ids.has(c.id)) fail(`${where}.checks`, `duplicate check id "${c.id}"`);
		ids.add(c.id);
	}
	return { id, title: str(raw.title, `${where}.title`)!, markdown, checks: parsed };
}

/** Parses a lesson folder; `id` is the folder's name. Throws RangeError with what is wrong. */
export function parseLesson(id: string, sources: Record<string, string>): Lesson {
	if (!ID.test(id)) fail('lesson', `id "${id}" must be lowercase letters, digits and dashes`);
	const paths = Object.keys(sources);
	if (paths.length > LESSON_LIMITS.files) fail('lesson', `at most ${LESSON_LIMITS.files} files`);
	const bytes = Object.values(sources).reduce((n, t) => n + new TextEncoder().encode(t).length, 0);
	if (bytes > LESSON_LIMITS.bytes) fail('lesson', `at most ${LESSON_LIMITS.bytes} bytes in all`);
	for (const p of paths) if (p.startsWith('/') || p.split('/').some((s) => s === '..' || s === '')) fail('lesson', `invalid path "${p}"`);
	const text = sources[LESSON_FILE];
	if (text === undefined) fail('lesson', `${LESSON_FILE} is missing`);
	let doc: unknown;
	try {
		doc = parse(text, { maxAliasCount: 100 });
	} catch (e) {
		fail(LESSON_FILE, (e as Error).message);
	}
	if (!rec(doc)) fail(LESSON_FILE, 'must be a map');
	const steps = doc.steps;
	if (!Array.isArray(steps) || !steps.length || steps.length > LESSON_LIMITS.steps) fail(`${LESSON_FILE} steps`, `must be a list of 1 to ${LESSON_LIMITS.steps} steps`);
	const parsed = steps.map((s, i) => parseStep(s, i, sources));
	if (new Set(parsed.map((s) => s.id)).size !== parsed.length) fail(`${LESSON_FILE} steps`, 'step ids must be unique');
	const files: Record<string, string> = {};
	for (const p of paths) if (p.startsWith(FILES_DIR) && p.length > FILES_DIR.length) files[p.slice(FILES_DIR.length)] = sources[p];
	return { id, title: str(doc.title, `${LESSON_FILE} title`)!, summary: str(doc.summary, `${LESSON_FILE} summary`, false) ?? '', steps: parsed, files, sources };
}
