/**
 * Name validation with apimachinery's exact messages (k8s.io/apimachinery/pkg/util/validation).
 *
 * @module
 */
import type { NameRule } from './kinds';

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const DNS1035_LABEL = '[a-z]([-a-z0-9]*[a-z0-9])?';

const anchored = (re: string) => new RegExp(`^${re}$`);

export const DNS1123_LABEL_MAX = 63;
export const DNS1123_SUBDOMAIN_MAX = 253;

const LABEL_MSG =
	"a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '" +
	DNS1123_LABEL +
	"')";
const SUBDOMAIN_MSG =
	"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '" +
	DNS1123_SUBDOMAIN +
	"')";
const DNS1035_MSG =
	"a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '" +
	DNS1035_LABEL +
	"')";

const maxLenMsg = (n: number) => `must be no more than ${n} characters`;

/** Problems with `name` under `rule`, as apimachinery words them (empty when valid). */
export function validateName(name: string, rule: NameRule): string[] {
	const errs: string[] = [];
	switch (rule) {
		case 'label':
			if (name.length > DNS1123_LABEL_MAX) errs.push(maxLenMsg(DNS1123_LABEL_MAX));
			if (!anchored(DNS1123_LABEL).test(name)) errs.push(LABEL_MSG);
			break;
		case 'dns1035':
			if (name.length > DNS1123_LABEL_MAX) errs.push(maxLenMsg(DNS1123_LABEL_MAX));
			if (!anchored(DNS1035_LABEL).test(name)) errs.push(DNS1035_MSG);
			break;
		case 'subdomain':
			if (name.length > DNS1123_SUBDOMAIN_MAX) errs.push(maxLenMsg(DNS1123_SUBDOMAIN_MAX));
			if (!anchored(DNS1123_SUBDOMAIN).test(name)) errs.push(SUBDOMAIN_MSG);
			break;
		case 'path-segment':
			if (name === '.' || name === '..') errs.push(`may not be '${name}'`);
			for (const c of ['/', '%']) if (name.includes(c)) errs.push(`may not contain '${c}'`);
			break;
	}
	return errs;
}

/** Formats a field error like kube-apiserver: `metadata.name: Invalid value: "X": msg`. */
export function invalidValue(field: string, value: unknown, detail: string): string {
	return `${field}: Invalid value: ${JSON.stringify(value)}: ${detail}`;
}

export function requiredValue(field: string, detail?: string): string {
	return detail ? `${field}: Required value: ${detail}` : `${field}: Required value`;
}
