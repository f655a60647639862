/**
 * The pod's address in its node's podCIDR, as the simulated CNI's IPAM gives it: an offset
 * derived from the pod's uid (.2 up to the last but one of the block; .0 is the network, .1 the
 * gateway, the last the broadcast), the next free one after it when taken. Host-local IPAM hands
 * out addresses in request order; pods that start in one simulated instant start in wall-clock
 * order, so deriving the address from the pod (uids are derived from the room's seed) is what
 * makes a replay give every pod the same IP, whatever order its kubelet started them in. Only two
 * pods of one instant wanting the same address (or the next ones) still depend on that order.
 *
 * @module
 */
import { fnv1a32 } from '../clock/rng';

/** An offset of a block of `size` addresses for pod `uid`, not in `used`; undefined when the block is full. */
export function podIPOffset(uid: string, size: number, used: ReadonlySet<number>): number | undefined {
	const slots = size - 3;
	if (slots <= 0) return undefined;
	const first = fnv1a32(`pod-ip/${uid}`) % slots;
	for (let i = 0; i < slots; i++) {
		const offset = 2 + ((first + i) % slots);
		if (!used.has(offset)) return offset;
	}
	return undefined;
}
