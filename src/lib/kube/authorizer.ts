/**
 * Who may do what in a room, as RBAC rules (the form SelfSubjectRulesReview reports and kube's
 * RBAC authorizer evaluates): the editor is bound to `cluster-admin`, the viewer may get, list
 * and watch everything, and both, like every authenticated user of a real cluster, get
 * `system:basic-user` (create the self reviews), `system:discovery` and
 * `system:public-info-viewer`.
 *
 *   authorize('viewer', { verb: 'create', group: '', resource: 'pods', namespace: 'default' })
 *     → { allowed: false, reason: '' }
 *
 * @module
 */

export interface PolicyRule {
	verbs: string[];
	apiGroups?: string[];
	resources?: string[];
	resourceNames?: string[];
	nonResourceURLs?: string[];
}

export interface ResourceAttributes {
	verb: string;
	group: string;
	resource: string;
	subresource?: string;
	namespace?: string;
	name?: string;
}

export interface NonResourceAttributes {
	verb: string;
	path: string;
}

interface Binding {
	/** `ClusterRoleBinding "x" of ClusterRole "y" to User "z"` (what RBAC's reason names). */
	binding: string;
	role: string;
	subject: string;
	rules: PolicyRule[];
}

const BASIC: Binding[] = [
	{
		binding: 'system:basic-user',
		role: 'system:basic-user',
		subject: 'Group "system:authenticated"',
		rules: [
			{ verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
			{ verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] }
		]
	},
	{
		binding: 'system:discovery',
		role: 'system:discovery',
		subject: 'Group "system:authenticated"',
		rules: [{ verbs: ['get'], nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'] }]
	},
	{
		binding: 'system:public-info-viewer',
		role: 'system:public-info-viewer',
		subject: 'Group "system:authenticated"',
		rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'] }]
	}
];

const ROLE_BINDINGS: Record<string, Binding> = {
	// The facilitator writes like an editor (workshop powers are the rooms API's, not RBAC's).
	facilitator: {
		binding: 'converge:facilitator',
		role: 'cluster-admin',
		subject: 'User "facilitator"',
		rules: [
			{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
			{ verbs: ['*'], nonResourceURLs: ['*'] }
		]
	},
	editor: {
		binding: 'converge:editor',
		role: 'cluster-admin',
		subject: 'User "editor"',
		rules: [
			{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
			{ verbs: ['*'], nonResourceURLs: ['*'] }
		]
	},
	viewer: {
		binding: 'converge:viewer',
		role: 'view',
		subject: 'User "viewer"',
		rules: [
			{ verbs: ['get', 'list', 'watch'], apiGroups: ['*'], resources: ['*'] },
			{ verbs: ['get'], nonResourceURLs: ['*'] }
		]
	}
};

function bindingsOf(user: string): Binding[] {
	const own = ROLE_BINDINGS[user];
	return own ? [own, ...BASIC] : [];
}

/** Every rule that applies to `user` (SelfSubjectRulesReview's status). */
export function rulesOf(user: string): { resourceRules: PolicyRule[]; nonResourceRules: PolicyRule[] } {
	const rules = bindingsOf(user).flatMap((b) => b.rules);
	return {
		resourceRules: rules.filter((r) => !r.nonResourceURLs).map((r) => structuredClone(r)),
		nonResourceRules: rules.filter((r) => r.nonResourceURLs).map((r) => ({ verbs: [...r.verbs], nonResourceURLs: [...r.nonResourceURLs!] }))
	};
}

const has = (list: string[] | undefined, v: string) => !!list && (list.includes('*') || list.includes(v));

/** RBAC's ResourceMatches: `*`, `pods`, `pods/log`, `pods/*`, or a wildcard resource with a subresource. */
function resourceMatches(rule: PolicyRule, resource: string, sub: string | undefined): boolean {
	const combined = sub ? `${resource}/${sub}` : resource;
	return (rule.resources ?? []).some((r) => r === '*' || r === combined || (sub !== undefined && (r === `${resource}/*` || r === `*/${sub}`)));
}

function ruleAllows(rule: PolicyRule, a: ResourceAttributes | NonResourceAttributes): boolean {
	if (!has(rule.verbs, a.verb)) return false;
	if ('path' in a) return (rule.nonResourceURLs ?? []).some((u) => u === a.path || (u.endsWith('*') && a.path.startsWith(u.slice(0, -1))));
	if (rule.nonResourceURLs || !has(rule.apiGroups, a.group) || !resourceMatches(rule, a.resource, a.subresource)) return false;
	return !rule.resourceNames?.length || (a.name !== undefined && rule.resourceNames.includes(a.name));
}

/** The RBAC authorizer's decision and reason for `user`. */
export function authorize(user: string, attrs: ResourceAttributes | NonResourceAttributes): { allowed: boolean; reason: string } {
	for (const b of bindingsOf(user))
		if (b.rules.some((r) => ruleAllows(r, attrs))) return { allowed: true, reason: `RBAC: allowed by ClusterRoleBinding "${b.binding}" of ClusterRole "${b.role}" to ${b.subject}` };
	return { allowed: false, reason: '' };
}
