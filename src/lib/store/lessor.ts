/**
 * Leases on a clock, like etcd's lessor: grant with a TTL (raised to the minimum), keep-alive
 * renews to the full TTL, expiry calls back so the store can revoke (deleting the lease's keys in
 * one revision). The lessor holds no keys itself: the engine knows which keys carry a lease.
 *
 * Lease ids come from a seeded sequence (reproducible rooms); a restarted store renews every
 * lease to its full TTL, as etcd does when a new leader promotes its lessor.
 *
 * @module
 */
import type { Clock } from '../clock/clock';
import { Errors, Limits } from './errors';

interface Lease {
	id: number;
	ttl: number;
	/** Clock time (ms) at which the lease expires. */
	expiry: number;
	cancelTimer: () => void;
}

export class Lessor {
	private leases = new Map<number, Lease>();
	private state: number;

	constructor(
		private readonly clock: Clock,
		private readonly onExpire: (id: number) => void,
		seed = 1,
		private readonly minTtl: number = Limits.minLeaseTTL
	) {
		this.state = seed >>> 0 || 1;
	}

	/** State of the id sequence (kept in snapshots so ids stay reproducible across restarts). */
	get seed(): number {
		return this.state;
	}

	set seed(v: number) {
		this.state = v >>> 0 || 1;
	}

	/** The next id: xorshift over a 32-bit state, spread to 52 bits (positive, exact in JS). */
	nextId(): number {
		for (;;) {
			let x = this.state;
			x ^= x << 13;
			x ^= x >>> 17;
			x ^= x << 5;
			this.state = x >>> 0;
			const id = this.state * 0x100000 + (this.leases.size & 0xfffff);
			if (id > 0 && !this.leases.has(id)) return id;
		}
	}

	/** Checks a grant request without changing anything; returns the effective TTL. */
	checkGrant(id: number, ttl: number): number {
		if (ttl > Limits.maxLeaseTTL) throw Errors.leaseTTLTooLarge();
		if (id !== 0 && this.leases.has(id)) throw Errors.leaseExist();
		return Math.max(ttl, this.minTtl);
	}

	grant(id: number, ttl: number): number {
		const effective = this.checkGrant(id, ttl);
		const lease: Lease = { id, ttl: effective, expiry: 0, cancelTimer: () => {} };
		this.leases.set(id, lease);
		this.renew(lease);
		return effective;
	}

	has(id: number): boolean {
		return this.leases.has(id);
	}

	/** Removes a lease (the store deletes its keys); throws when unknown. */
	revoke(id: number): void {
		const lease = this.leases.get(id);
		if (!lease) throw Errors.leaseNotFound();
		lease.cancelTimer();
		this.leases.delete(id);
	}

	keepAlive(id: number): number {
		const lease = this.leases.get(id);
		if (!lease) throw Errors.leaseNotFound();
		this.renew(lease);
		return lease.ttl;
	}

	/** Whole seconds left, truncated like etcd's `int64(Remaining().Seconds())`; undefined when unknown. */
	remaining(id: number): { ttl: number; grantedTtl: number } | undefined {
		const lease = this.leases.get(id);
		if (!lease) return undefined;
		return { ttl: Math.max(0, Math.floor((lease.expiry - this.clock.now()) / 1000)), grantedTtl: lease.ttl };
	}

	ids(): number[] {
		return [...this.leases.keys()];
	}

	/** Every lease with its granted TTL (for snapshots). */
	list(): Array<{ id: number; ttl: number }> {
		return [...this.leases.values()].map((l) => ({ id: l.id, ttl: l.ttl }));
	}

	close(): void {
		for (const l of this.leases.values()) l.cancelTimer();
		this.leases.clear();
	}

	private renew(lease: Lease): void {
		lease.cancelTimer();
		lease.expiry = this.clock.now() + lease.ttl * 1000;
		lease.cancelTimer = this.clock.setTimer(lease.ttl * 1000, () => {
			if (this.leases.get(lease.id) === lease) this.onExpire(lease.id);
		});
	}
}
