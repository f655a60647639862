/**
 * A room's lesson progress, kept durably in the room's directory (`lesson.json`, written with
 * fsync like the room's meta): which lesson runs, its step, the steps completed, and the lessons
 * imported into the room (their files, bounded by LESSON_LIMITS).
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileDurable } from '../storage/record-log';

export const STATE_FILE = 'lesson.json';

export interface LessonProgress {
	/** The running lesson, or none. */
	lesson?: { id: string; source: 'shipped' | 'room' };
	step: number;
	/** Step ids whose checks all passed at some point. */
	completed: string[];
	/** Who started it and when (wall time). */
	startedAt?: string;
	/** Lessons imported into this room: id → the folder's files. */
	imported: Record<string, Record<string, string>>;
}

export const emptyProgress = (): LessonProgress => ({ step: 0, completed: [], imported: {} });

export async function readProgress(roomDir: string): Promise<LessonProgress> {
	try {
		return { ...emptyProgress(), ...(JSON.parse(await readFile(join(roomDir, STATE_FILE), 'utf8')) as Partial<LessonProgress>) };
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyProgress();
		throw e;
	}
}

export function writeProgress(roomDir: string, p: LessonProgress): Promise<void> {
	return writeFileDurable(join(roomDir, STATE_FILE), JSON.stringify(p));
}
