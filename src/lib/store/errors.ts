/**
 * Store errors with etcd's gRPC status codes and messages (etcd/api/v3rpc/rpctypes), so clients
 * (etcdctl, the etcd3 library, the API server) see exactly what etcd would send.
 *
 * @module
 */

/** gRPC status codes used by etcd. */
export const GrpcCode = {
	OK: 0,
	Canceled: 1,
	Unknown: 2,
	InvalidArgument: 3,
	DeadlineExceeded: 4,
	NotFound: 5,
	AlreadyExists: 6,
	PermissionDenied: 7,
	ResourceExhausted: 8,
	FailedPrecondition: 9,
	Aborted: 10,
	OutOfRange: 11,
	Unimplemented: 12,
	Internal: 13,
	Unavailable: 14,
	Unauthenticated: 16
} as const;

export class StoreError extends Error {
	override name = 'StoreError';
	constructor(
		readonly code: number,
		message: string
	) {
		super(message);
	}
}

const e = (code: number, message: string) => () => new StoreError(code, message);

/** The errors, named like etcd's rpctypes (ErrGRPC...). */
export const Errors = {
	compacted: e(GrpcCode.OutOfRange, 'etcdserver: mvcc: required revision has been compacted'),
	futureRev: e(GrpcCode.OutOfRange, 'etcdserver: mvcc: required revision is a future revision'),
	noSpace: e(GrpcCode.ResourceExhausted, 'etcdserver: mvcc: database space exceeded'),
	emptyKey: e(GrpcCode.InvalidArgument, 'etcdserver: key is not provided'),
	keyNotFound: e(GrpcCode.InvalidArgument, 'etcdserver: key not found'),
	valueProvided: e(GrpcCode.InvalidArgument, 'etcdserver: value is provided'),
	leaseProvided: e(GrpcCode.InvalidArgument, 'etcdserver: lease is provided'),
	tooManyOps: e(GrpcCode.InvalidArgument, 'etcdserver: too many operations in txn request'),
	duplicateKey: e(GrpcCode.InvalidArgument, 'etcdserver: duplicate key given in txn request'),
	requestTooLarge: e(GrpcCode.InvalidArgument, 'etcdserver: request is too large'),
	leaseNotFound: e(GrpcCode.NotFound, 'etcdserver: requested lease not found'),
	leaseExist: e(GrpcCode.FailedPrecondition, 'etcdserver: lease already exists'),
	leaseTTLTooLarge: e(GrpcCode.OutOfRange, 'etcdserver: too large lease TTL'),
	permissionDenied: e(GrpcCode.PermissionDenied, 'etcdserver: permission denied'),
	authFailed: e(GrpcCode.InvalidArgument, 'etcdserver: authentication failed, invalid user ID or password'),
	invalidAuthToken: e(GrpcCode.Unauthenticated, 'etcdserver: invalid auth token'),
	userEmpty: e(GrpcCode.InvalidArgument, 'etcdserver: user name is empty')
} as const;

/** etcd's limits. */
export const Limits = {
	/** Max request bytes (etcd's default --max-request-bytes, 1.5 MiB). */
	maxRequestBytes: 1.5 * 1024 * 1024,
	/** Max operations in one txn (--max-txn-ops). */
	maxTxnOps: 128,
	/** Max lease TTL in seconds (MaxLeaseTTL = 9000000000). */
	maxLeaseTTL: 9_000_000_000,
	/** Min lease TTL: etcd raises shorter TTLs to this: ceil(1.5 × election ticks × heartbeat) = 2 s with defaults. */
	minLeaseTTL: 2
} as const;
