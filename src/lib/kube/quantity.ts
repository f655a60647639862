/**
 * resource.Quantity values as numbers, enough to compare them (`100m` = `0.1`, `1Gi` = 1073741824):
 * what QoS classification and validation need. Canonical formatting is not done here.
 *
 * @module
 */

const SUFFIX: Record<string, number> = {
	'': 1,
	n: 1e-9,
	u: 1e-6,
	m: 1e-3,
	k: 1e3,
	M: 1e6,
	G: 1e9,
	T: 1e12,
	P: 1e15,
	E: 1e18,
	Ki: 2 ** 10,
	Mi: 2 ** 20,
	Gi: 2 ** 30,
	Ti: 2 ** 40,
	Pi: 2 ** 50,
	Ei: 2 ** 60
};

/** The numeric value of a quantity (`"250m"` → 0.25); NaN when it does not parse. */
export function quantityValue(q: unknown): number {
	if (typeof q === 'number') return q;
	if (typeof q !== 'string') return NaN;
	const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][-+]?\d+)|([numkMGTPE]|[KMGTPE]i)?)$/.exec(q.trim());
	if (!m) return NaN;
	const base = Number(m[1]);
	if (m[2]) return base * 10 ** Number(m[2].slice(1));
	return base * SUFFIX[m[3] ?? ''];
}
