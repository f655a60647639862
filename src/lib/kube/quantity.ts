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

/** A parsed quantity: `mantissa × 10^scale`, and the format its suffix chose. */
interface Parsed {
	mantissa: bigint;
	scale: number;
	format: 'DecimalSI' | 'BinarySI' | 'DecimalExponent';
}

const DECIMAL_EXP: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_EXP: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL_SUFFIX = new Map(Object.entries(DECIMAL_EXP).map(([s, e]) => [e, s]));
const BINARY_SUFFIX = new Map(Object.entries(BINARY_EXP).map(([s, e]) => [e, s]));

function parseQuantity(q: string): Parsed | undefined {
	const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+)|([numkMGTPE]|[KMGTPE]i))?$/.exec(q.trim());
	if (!m || (!m[2] && !m[3])) return undefined;
	const frac = m[3] ?? '';
	let mantissa = BigInt(`${m[1]}${m[2] || '0'}${frac}`);
	let scale = -frac.length;
	let format: Parsed['format'] = 'DecimalSI';
	if (m[4] !== undefined) {
		format = 'DecimalExponent';
		scale += Number(m[4]);
	} else if (m[5] && m[5] in BINARY_EXP) {
		format = 'BinarySI';
		mantissa *= 1024n ** BigInt(BINARY_EXP[m[5]]);
	} else scale += DECIMAL_EXP[m[5] ?? ''];
	// Anything finer than 1n is rounded up to it, like resource.ParseQuantity.
	if (scale < -9) {
		const div = 10n ** BigInt(-9 - scale);
		const q0 = mantissa / div;
		mantissa = q0 * div === mantissa || mantissa < 0n ? q0 : q0 + 1n;
		scale = -9;
	}
	return { mantissa, scale, format };
}

/** `n` without its trailing factors of `base`, and how many were removed. */
function removeFactors(n: bigint, base: bigint, max = Infinity): [bigint, number] {
	let times = 0;
	while (n !== 0n && n % base === 0n && times < max) {
		n /= base;
		times++;
	}
	return [n, times];
}

/**
 * The canonical form kube-apiserver stores and serves (resource.Quantity's String()): `0.5` →
 * `500m`, `1.5Gi` → `1536Mi`, `1000` → `1k`, `2000m` → `2`, binary values below 1024 or not whole
 * bytes in decimal. Undefined when `q` is not a quantity.
 */
export function canonicalQuantity(q: string | number): string | undefined {
	const p = parseQuantity(typeof q === 'number' ? String(q) : q);
	if (!p) return undefined;
	if (p.mantissa === 0n) return '0';
	let format = p.format;
	if (format === 'BinarySI') {
		const whole = p.scale >= 0 || p.mantissa % 10n ** BigInt(-p.scale) === 0n;
		const bytes = p.scale >= 0 ? p.mantissa * 10n ** BigInt(p.scale) : p.mantissa / 10n ** BigInt(-p.scale);
		if (!whole || (bytes > -1024n && bytes < 1024n)) format = 'DecimalSI';
		else {
			const [amount, exp] = removeFactors(bytes, 1024n, 6);
			return `${amount}${BINARY_SUFFIX.get(exp) ?? ''}`;
		}
	}
	let [amount, exp] = removeFactors(p.mantissa, 10n);
	exp += p.scale;
	while (exp % 3 !== 0) {
		amount *= 10n;
		exp--;
	}
	const si = format === 'DecimalSI' ? DECIMAL_SUFFIX.get(exp) : undefined;
	return `${amount}${si ?? (exp === 0 ? '' : `e${exp}`)}`;
}
