import { describe, expect, it } from 'vitest';
import { decisionHash, podFromHash } from './links';

describe('links to a pod decision', () => {
	it('keeps the token, selects the Scheduler view and the pod, and reads it back', () => {
		const h = decisionHash('#token=abc&view=cluster', 'default', 'web-1');
		expect(h).toBe('#token=abc&view=scheduler&pod=default%2Fweb-1');
		expect(podFromHash(h)).toBe('default/web-1');
		expect(podFromHash('#token=abc')).toBeUndefined();
	});
});
