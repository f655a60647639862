import { describe, expect, it } from 'vitest';
import { OwnWrites } from './own-writes';
import type { KubeObject } from './types';

const rs = (uid: string, rv: string, ready: number): KubeObject => ({ metadata: { name: 'web', namespace: 'default', uid, resourceVersion: rv }, status: { readyReplicas: ready } });

describe('OwnWrites', () => {
	it('prefers our own write while the cache is behind it', () => {
		const own = new OwnWrites();
		own.remember('default/web', rs('u1', '12', 3));
		expect(own.fresher('default/web', rs('u1', '10', 2)).status?.readyReplicas).toBe(3);
	});

	it('takes the cache once it caught up or someone wrote after us, and forgets our copy', () => {
		const own = new OwnWrites();
		own.remember('default/web', rs('u1', '12', 3));
		expect(own.fresher('default/web', rs('u1', '15', 1)).metadata.resourceVersion).toBe('15');
		// Forgotten: an older cached copy is now returned as is.
		expect(own.fresher('default/web', rs('u1', '11', 0)).metadata.resourceVersion).toBe('11');
	});

	it('never mixes up a recreated object (another uid)', () => {
		const own = new OwnWrites();
		own.remember('default/web', rs('u1', '12', 3));
		expect(own.fresher('default/web', rs('u2', '5', 0)).metadata.uid).toBe('u2');
	});
});
