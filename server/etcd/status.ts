/**
 * Errors as etcd's clients see them: a StoreError keeps its gRPC code and etcd message; anything
 * else is an internal error (logged, its message passed on). The gateway maps codes to HTTP
 * statuses the way etcd 3.4's grpc-gateway (v1) does.
 *
 * @module
 */
import { GrpcCode, StoreError } from '../../src/lib/store/errors';

const NAMES: Record<number, string> = {
	0: 'OK',
	1: 'Canceled',
	2: 'Unknown',
	3: 'InvalidArgument',
	4: 'DeadlineExceeded',
	5: 'NotFound',
	6: 'AlreadyExists',
	7: 'PermissionDenied',
	8: 'ResourceExhausted',
	9: 'FailedPrecondition',
	10: 'Aborted',
	11: 'OutOfRange',
	12: 'Unimplemented',
	13: 'Internal',
	14: 'Unavailable',
	15: 'DataLoss',
	16: 'Unauthenticated'
};

/** Go's name of a gRPC code (as in "rpc error: code = InvalidArgument desc = ..."). */
export function grpcCodeName(code: number): string {
	return NAMES[code] ?? `Code(${code})`;
}

/** grpc-gateway v1's HTTPStatusFromCode. */
const HTTP: Record<number, number> = {
	0: 200,
	1: 408,
	2: 500,
	3: 400,
	4: 504,
	5: 404,
	6: 409,
	7: 403,
	8: 429,
	9: 412,
	10: 409,
	11: 400,
	12: 501,
	13: 500,
	14: 503,
	15: 500,
	16: 401
};

export function httpStatusOf(code: number): number {
	return HTTP[code] ?? 500;
}

export interface EtcdStatus {
	code: number;
	message: string;
}

/** The status an error is reported with; unexpected errors are logged. */
export function statusOf(e: unknown, log: (m: string) => void): EtcdStatus {
	if (e instanceof StoreError) return { code: e.code, message: e.message };
	log(`etcd api: internal error: ${(e as Error)?.stack ?? String(e)}`);
	return { code: GrpcCode.Internal, message: (e as Error)?.message ?? String(e) };
}
