/**
 * Label keys and values, annotation keys: apimachinery's IsQualifiedName and IsValidLabelValue
 * with their exact messages (k8s.io/apimachinery/pkg/util/validation).
 *
 * @module
 */
import { validateName } from './names';

const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_NAME = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const QUALIFIED_NAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const LABEL_VALUE = new RegExp(`^${LABEL_VALUE_FMT}$`);
const LABEL_VALUE_MSG =
	"a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

export const QUALIFIED_NAME_MAX = 63;
export const LABEL_VALUE_MAX = 63;

/** apimachinery's RegexError: `msg (e.g. 'a',  or 'b', regex used for validation is 're')`. */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
	if (!examples.length) return `${msg} (regex used for validation is '${fmt}')`;
	return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

/** Problems with a qualified name (label key, annotation key, finalizer): `[prefix/]name`. */
export function qualifiedNameErrors(value: string): string[] {
	const errs: string[] = [];
	const parts = value.split('/');
	let name: string;
	if (parts.length === 1) name = parts[0];
	else if (parts.length === 2) {
		const prefix = parts[0];
		name = parts[1];
		if (!prefix) errs.push('prefix part must be non-empty');
		else for (const m of validateName(prefix, 'subdomain')) errs.push(`prefix part ${m}`);
	} else {
		return [
			`a qualified name ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`
		];
	}
	if (!name) errs.push('name part must be non-empty');
	else if (name.length > QUALIFIED_NAME_MAX) errs.push(`name part must be no more than ${QUALIFIED_NAME_MAX} characters`);
	if (!QUALIFIED_NAME.test(name)) errs.push(`name part ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`);
	return errs;
}

/** Problems with a label value (empty is valid). */
export function labelValueErrors(value: string): string[] {
	const errs: string[] = [];
	if (value.length > LABEL_VALUE_MAX) errs.push(`must be no more than ${LABEL_VALUE_MAX} characters`);
	if (!LABEL_VALUE.test(value)) errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
	return errs;
}
