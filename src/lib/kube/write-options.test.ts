import { describe, expect, it } from 'vitest';
import { KubeError } from './api-errors';
import { parseDeleteOptions, parseWriteOptions } from './write-options';

const status = (fn: () => unknown) => {
	try {
		fn();
	} catch (e) {
		return (e as KubeError).toStatus();
	}
	throw new Error('expected an error');
};

describe('write options', () => {
	it('defaults fieldValidation to Warn and reads dryRun', () => {
		expect(parseWriteOptions(new URLSearchParams('dryRun=All&fieldManager=kubectl'), 'CreateOptions')).toEqual({ dryRun: true, fieldValidation: 'Warn', fieldManager: 'kubectl', force: false });
	});

	it.each([
		{ q: 'fieldValidation=Loose', message: 'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loose": supported values: "", "Ignore", "Strict", "Warn"' },
		{ q: 'dryRun=Some', message: 'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Some"}: supported values: "All"' }
	])('refuses $q', ({ q, message }) => {
		expect(status(() => parseWriteOptions(new URLSearchParams(q), 'CreateOptions'))).toMatchObject({ code: 422, reason: 'Invalid', message });
	});

	it('requires a field manager for apply patches', () => {
		expect(status(() => parseWriteOptions(new URLSearchParams(''), 'PatchOptions', true)).message).toBe(
			'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch'
		);
	});

	it('merges delete options from body and query', () => {
		expect(parseDeleteOptions(new URLSearchParams('gracePeriodSeconds=0'), { propagationPolicy: 'Foreground' })).toMatchObject({ gracePeriodSeconds: 0, propagationPolicy: 'Foreground', dryRun: false });
		expect(status(() => parseDeleteOptions(new URLSearchParams(''), { propagationPolicy: 'Sideways' })).message).toBe(
			'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan", "nil"'
		);
	});
});
