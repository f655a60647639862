import { describe, expect, test } from 'vitest';
import { isAlreadyExists, isConflict, isGone, isNotFound } from '../controllers/types';
import { apiErrorOf } from './errors';

const status = (code: number, reason: string, message: string) => JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, code, message });

describe('apiErrorOf', () => {
	test.each([
		{ name: 'NotFound Status', http: 404, body: status(404, 'NotFound', 'pods "web" not found'), wantCode: 404, wantReason: 'NotFound', wantMessage: 'pods "web" not found', is: isNotFound },
		{ name: 'AlreadyExists Status', http: 409, body: status(409, 'AlreadyExists', 'nodes "n1" already exists'), wantCode: 409, wantReason: 'AlreadyExists', wantMessage: 'nodes "n1" already exists', is: isAlreadyExists },
		{ name: 'Conflict Status', http: 409, body: status(409, 'Conflict', 'Operation cannot be fulfilled on pods "web": the object has been modified; please apply your changes to the latest version and try again'), wantCode: 409, wantReason: 'Conflict', wantMessage: 'Operation cannot be fulfilled on pods "web": the object has been modified; please apply your changes to the latest version and try again', is: isConflict },
		{ name: 'Gone Status', http: 410, body: status(410, 'Expired', 'too old resource version: 5 (90)'), wantCode: 410, wantReason: 'Expired', wantMessage: 'too old resource version: 5 (90)', is: isGone },
		{ name: 'PDB refusal', http: 429, body: status(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget."), wantCode: 429, wantReason: 'TooManyRequests', wantMessage: "Cannot evict pod as it would violate the pod's disruption budget.", is: () => true },
		{ name: 'plain text body', http: 502, body: 'Bad Gateway', wantCode: 502, wantReason: '', wantMessage: 'Bad Gateway', is: () => true },
		{ name: 'empty body', http: 500, body: '', wantCode: 500, wantReason: '', wantMessage: 'GET /api/v1/pods: HTTP 500', is: () => true }
	])('$name', ({ http, body, wantCode, wantReason, wantMessage, is }) => {
		const e = apiErrorOf(http, body, 'GET /api/v1/pods: ');
		expect([e.code, e.reason, e.message]).toEqual([wantCode, wantReason, wantMessage]);
		expect(is(e)).toBe(true);
	});
});
