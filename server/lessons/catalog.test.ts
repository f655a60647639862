import { describe, expect, it } from 'vitest';
import { shippedLessons } from './catalog';

describe('shipped lessons', () => {
	it('all parse, each with steps, checks and starting files', async () => {
		const lessons = await shippedLessons();
		expect(lessons.length).toBeGreaterThanOrEqual(6);
		for (const l of lessons) {
			expect(l.steps.length, l.id).toBeGreaterThan(0);
			expect(Object.keys(l.files).length, l.id).toBeGreaterThan(0);
			for (const s of l.steps) expect(s.checks.length, `${l.id} ${s.id}`).toBeGreaterThan(0);
		}
	});
});
