/**
 * Simulation knobs: `sim.converge.dev/<knob>` annotations on a pod (or `<knob>.<container>` for
 * one container) or a node, which tell the simulated kubelet how the "application" behaves.
 * Documented in docs/simulation.md.
 *
 * @module
 */

export const SIM_PREFIX = 'sim.converge.dev/';

type Meta = { annotations?: Record<string, string> };

/** The raw value of a knob for `container` (its own `<knob>.<container>` first), if set. */
export function knob(meta: Meta | undefined, name: string, container?: string): string | undefined {
	const a = meta?.annotations ?? {};
	return (container !== undefined ? a[`${SIM_PREFIX}${name}.${container}`] : undefined) ?? a[`${SIM_PREFIX}${name}`];
}

/** A numeric knob (seconds, MiB, exit code); undefined when unset or not a number. */
export function numKnob(meta: Meta | undefined, name: string, container?: string): number | undefined {
	const v = knob(meta, name, container);
	if (v === undefined || v.trim() === '') return undefined;
	const n = Number(v);
	return Number.isFinite(n) ? n : undefined;
}

/** A boolean knob: `"true"` (or empty) means on. */
export function flagKnob(meta: Meta | undefined, name: string, container?: string): boolean {
	const v = knob(meta, name, container);
	return v !== undefined && (v === '' || v.toLowerCase() === 'true');
}
