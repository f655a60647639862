/**
 * Failed API calls as `ApiError`s, from the `Status` object the API server answers with
 * (`{"kind":"Status","status":"Failure","reason":"NotFound","code":404,"message":"pods \"x\" not found"}`).
 * A body that is not a Status (a proxy's HTML page, an empty body) still gives the HTTP code.
 *
 * @module
 */
import { ApiError, type ApiErrorCause } from '../controllers/types';

export function apiErrorOf(httpCode: number, body: string, what = ''): ApiError {
	try {
		const s = JSON.parse(body) as { kind?: string; reason?: string; message?: string; code?: number; details?: { causes?: ApiErrorCause[] } };
		if (s && typeof s === 'object' && (s.kind === 'Status' || s.message !== undefined)) {
			const causes = Array.isArray(s.details?.causes) ? s.details.causes : [];
			return new ApiError(typeof s.code === 'number' && s.code > 0 ? s.code : httpCode, s.reason ?? '', s.message ?? `${what}HTTP ${httpCode}`.trim(), causes);
		}
	} catch {
		/* not JSON: fall through */
	}
	const text = body.trim();
	return new ApiError(httpCode, '', text && text.length < 500 ? text : `${what}HTTP ${httpCode}`.trim());
}

/** A watch `ERROR` event's object (a Status) as an error: 410 Gone means "relist". */
export function watchErrorOf(status: { code?: number; reason?: string; message?: string }): ApiError {
	return new ApiError(status.code ?? 500, status.reason ?? '', status.message ?? 'watch error');
}
