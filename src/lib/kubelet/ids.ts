/**
 * Deterministic hex ids (container ids, image digests, machine ids): the same label gives the
 * same id on every run, so a replayed room shows the same objects.
 *
 * @module
 */
import { fnv1a32 } from '../clock/rng';

/** `len` hex digits derived from `label`. */
export function hexId(label: string, len = 64): string {
	let hex = '';
	for (let i = 0; hex.length < len; i++) hex += fnv1a32(`${label}#${i}`).toString(16).padStart(8, '0');
	return hex.slice(0, len);
}
