/**
 * The lessons shipped with converge: one folder per lesson under `static/lessons/` (see its
 * README), read once per process and validated like an import.
 *
 * @module
 */
import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LESSON_FILE, parseLesson, type Lesson } from '../../src/lib/lessons';

/** `static/lessons` of the checkout (server/lessons → ../../static/lessons). */
export const SHIPPED_DIR = fileURLToPath(new URL('../../static/lessons', import.meta.url));

/** Every file under `dir`, path (with `/`) → text. */
export async function readFolder(dir: string): Promise<Record<string, string>> {
	const out: Record<string, string> = {};
	for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
		if (!e.isFile()) continue;
		const full = join(e.parentPath, e.name);
		out[relative(dir, full).split(sep).join('/')] = await readFile(full, 'utf8');
	}
	return out;
}

let shipped: Promise<Lesson[]> | undefined;

/** The shipped lessons, in folder order (`01-…`, `02-…`). A broken lesson fails loudly: it is ours. */
export function shippedLessons(dir = SHIPPED_DIR): Promise<Lesson[]> {
	const load = async () => {
		if (!existsSync(dir)) return [];
		const ids = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory() && existsSync(join(dir, e.name, LESSON_FILE))).map((e) => e.name).sort();
		return Promise.all(
			ids.map(async (id) => {
				try {
					return parseLesson(id, await readFolder(join(dir, id)));
				} catch (e) {
					throw new Error(`shipped lesson ${id}: ${(e as Error).message}`);
				}
			})
		);
	};
	if (dir !== SHIPPED_DIR) return load();
	return (shipped ??= load().catch((e) => ((shipped = undefined), Promise.reject(e))));
}
