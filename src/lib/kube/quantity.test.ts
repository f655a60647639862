import { describe, expect, it } from 'vitest';
import { canonicalQuantity, quantityValue } from './quantity';

describe('canonicalQuantity (resource.Quantity String())', () => {
	// Expected forms from k8s.io/apimachinery/pkg/api/resource quantity_test.go.
	it.each([
		['0.5', '500m'],
		['500m', '500m'],
		['2000m', '2'],
		['1000', '1k'],
		['1500', '1500'],
		['100Mi', '100Mi'],
		['1.5Gi', '1536Mi'],
		['1024Mi', '1Gi'],
		['0.5Gi', '512Mi'],
		['1Ki', '1Ki'],
		['512Ki', '512Ki'],
		['1.1Ki', '1126400m'],
		['100', '100'],
		['1e3', '1e3'],
		['1e-3', '1e-3'],
		['0', '0'],
		['0Mi', '0'],
		['0.0000000001', '1n'],
		['1M', '1M'],
		['12e6', '12e6'],
		['-1', '-1'],
		['.5', '500m'],
		['128974848', '128974848']
	])('%s → %s', (input, want) => {
		expect(canonicalQuantity(input)).toBe(want);
	});

	it('takes JSON numbers as kube does', () => {
		expect(canonicalQuantity(1)).toBe('1');
		expect(canonicalQuantity(0.25)).toBe('250m');
	});

	it('refuses what is not a quantity', () => {
		for (const bad of ['', 'abc', '1K', '1.2.3', 'Mi']) expect(canonicalQuantity(bad)).toBeUndefined();
	});

	it('keeps the value', () => {
		for (const q of ['0.5', '1.5Gi', '1000', '2000m', '1.1Ki']) expect(quantityValue(canonicalQuantity(q))).toBeCloseTo(quantityValue(q));
	});
});
