import { describe, expect, test } from 'vitest';
import { writeRefusal } from './actions';

describe('writeRefusal', () => {
	test('editors and the facilitator may write live; viewers get the reason', () => {
		expect(writeRefusal('editor', undefined)).toBeUndefined();
		expect(writeRefusal('facilitator', undefined)).toBeUndefined();
		expect(writeRefusal('viewer', undefined)).toBe('only the facilitator and editors can change the cluster');
	});

	test('nobody writes while scrubbed to a past revision', () => {
		expect(writeRefusal('facilitator', 1234)).toBe('showing revision 1234: the past is read-only');
		expect(writeRefusal('viewer', 0)).toBe('showing revision 0: the past is read-only');
	});
});
