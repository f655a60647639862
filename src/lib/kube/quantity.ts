/**
 * resource.Quantity values as numbers, enough to compare them (`100m` = `0.1`, `1Gi` = 1073741824):
 * what QoS classification and validation need; and the canonical form kube-apiserver stores.
 *
 * @module
 */

/** Suffixes with their factor, and their power of 10 (decimal SI) or of 1024 (binary SI). */
const SUFFIXES: Record<string, { factor: number; exp10?: number; exp1024?: number }> = {
	'': { factor: 1, exp10: 0 },
	n: { factor: 1e-9, exp10: -9 },
	u: { factor: 1e-6, exp10: -6 },
	m: { factor: 1e-3, exp10: -3 },
	k: { factor: 1e3, exp10: 3 },
	M: { factor: 1e6, exp10: 6 },
	G: { factor: 1e9, exp10: 9 },
	T: { factor: 1e12, exp10: 12 },
	P: { factor: 1e15, exp10: 15 },
	E: { factor: 1e18, exp10: 18 },
	Ki: { factor: 2 ** 10, exp1024: 1 },
	Mi: { factor: 2 ** 20, exp1024: 2 },
	Gi: { factor: 2 ** 30, exp1024: 3 },
	Ti: { factor: 2 ** 40, exp1024: 4 },
	Pi: { factor: 2 ** 50, exp1024: 5 },
	Ei: { factor: 2 ** 60, exp1024: 6 }
};

/** sign, integer digits, fraction digits, then an exponent (`e3`) or a suffix. */
const QUANTITY = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+)|([numkMGTPE]|[KMGTPE]i))?$/;

/** The parts of a quantity string; undefined when it does not parse (no digits at all included). */
function split(q: string): RegExpExecArray | undefined {
	const m = QUANTITY.exec(q.trim());
	return m && (m[2] || m[3]) ? m : undefined;
}

/** The numeric value of a quantity (`"250m"` → 0.25); NaN when it does not parse. */
export function quantityValue(q: unknown): number {
	if (typeof q === 'number') return q;
	if (typeof q !== 'string') return NaN;
	const m = split(q);
	if (!m) return NaN;
	const base = Number(`${m[1]}${m[2] || '0'}.${m[3] ?? ''}`);
	if (m[4] !== undefined) return base * 10 ** Number(m[4]);
	return base * SUFFIXES[m[5] ?? ''].factor;
}

/** A parsed quantity: `mantissa × 10^scale`, and the format its suffix chose. */
interface Parsed {
	mantissa: bigint;
	scale: number;
	format: 'DecimalSI' | 'BinarySI' | 'DecimalExponent';
}

const DECIMAL_SUFFIX = new Map(Object.entries(SUFFIXES).flatMap(([s, x]) => (x.exp10 === undefined ? [] : [[x.exp10, s] as const])));
const BINARY_SUFFIX = new Map(Object.entries(SUFFIXES).flatMap(([s, x]) => (x.exp1024 === undefined ? [] : [[x.exp1024, s] as const])));

function parseQuantity(q: string): Parsed | undefined {
	const m = split(q);
	if (!m) return undefined;
	const frac = m[3] ?? '';
	let mantissa = BigInt(`${m[1]}${m[2] || '0'}${frac}`);
	let scale = -frac.length;
	let format: Parsed['format'] = 'DecimalSI';
	if (m[4] !== undefined) {
		format = 'DecimalExponent';
		scale += Number(m[4]);
	} else {
		const suffix = SUFFIXES[m[5] ?? ''];
		if (suffix.exp1024 !== undefined) {
			format = 'BinarySI';
			mantissa *= 1024n ** BigInt(suffix.exp1024);
		} else scale += suffix.exp10 ?? 0;
	}
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
	// Every write canonicalizes its quantities, and a room uses a handful of values: keep the answers.
	const text = typeof q === 'number' ? String(q) : q;
	let known = CANONICAL.get(text);
	if (known === undefined && !CANONICAL.has(text)) {
		known = canonicalOf(text);
		if (CANONICAL.size >= 4096) CANONICAL.clear();
		CANONICAL.set(text, known);
	}
	return known;
}

const CANONICAL = new Map<string, string | undefined>();

function canonicalOf(q: string): string | undefined {
	const p = parseQuantity(q);
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
