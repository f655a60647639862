/**
 * Generates `src/lib/kube/schema/openapi.json`: the OpenAPI definitions of converge's built-in
 * kinds (BUILTIN_KINDS) and everything they reference, for the editor (completion, hover, lint)
 * and the API server's validation. Run with `npx tsx scripts/gen-kube-schema.ts`.
 *
 * Source: the exact-pinned devDependency `kubernetes-models`. No npm package ships the
 * Kubernetes swagger/OpenAPI JSON itself for a current release, so the schema is rebuilt from
 * what that package generated from it: its `.d.ts` files hold the structure, descriptions, enums
 * and required fields; its compiled validators (`_schemas/*.js`) are probed to tell integer from
 * number and int32 from int64, which the `.d.ts` types erase. Lost on the way and not recoverable
 * from this source: `x-kubernetes-list-type`, list map keys and patch strategies.
 *
 * The output is committed (≈520 KB raw, ≈115 KB gzipped: well under the 3 MB budget), so builds
 * and CI need no generator step and the browser gets it like any JSON import; re-run this script
 * after bumping kubernetes-models. Descriptions are kept (hover and completion show them);
 * group-version-kind extensions and everything else the editor does not read are not emitted.
 *
 * @module
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { BUILTIN_KINDS, apiVersionOf, type KindInfo } from '../src/lib/kube/kinds.ts';
import type { KubeSchema, SchemaNode } from '../src/lib/kube/schema/types.ts';

const require = createRequire(import.meta.url);
const PKG = 'kubernetes-models';
const modelsDir = dirname(require.resolve(`${PKG}/package.json`));
const machineryDir = dirname(require.resolve('@kubernetes-models/apimachinery/package.json'));
const OUT = new URL('../src/lib/kube/schema/openapi.json', import.meta.url);

/** Definitions the source leaves untyped or undocumented; how the API server really treats them. */
const OVERRIDES: Record<string, SchemaNode> = {
	'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { 'x-kubernetes-int-or-string': true, format: 'int-or-string' },
	// The API server's decoder accepts JSON numbers for quantities too (`cpu: 1`, `cpu: 0.5`).
	'io.k8s.apimachinery.pkg.api.resource.Quantity': {
		'x-kubernetes-int-or-string': true,
		format: 'quantity',
		description:
			'Quantity is a fixed-point representation of a number: a plain number (`1`, `0.5`) or a number with a suffix, either decimal SI (`250m`, `1k`, `2M`) or binary SI (`128Mi`, `1Gi`).'
	},
	'io.k8s.apimachinery.pkg.apis.meta.v1.Time': { type: 'string', format: 'date-time' },
	'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': { type: 'string', format: 'date-time' }
};

/** The OpenAPI definition name of a declaration file of the package (`apps/v1/Deployment.d.ts`). */
function definitionName(file: string): string {
	const inMachinery = file.startsWith(machineryDir + sep);
	const rel = relative(inMachinery ? machineryDir : modelsDir, file).replace(/\.d\.ts$/, '').split(sep);
	if (inMachinery) return `io.k8s.apimachinery.pkg.${rel.join('.')}`;
	const [group, version, name] = rel.length === 2 ? ['core', ...rel] : rel;
	if (group === 'apiextensions.k8s.io') return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${version}.${name}`;
	if (!name || group.includes('/')) throw new Error(`unexpected declaration file ${file}`);
	return `io.k8s.api.${group.replace(/\.k8s\.io$/, '')}.${version}.${name}`;
}

function kindFile(info: KindInfo): string {
	return join(modelsDir, info.group || '', info.version, `${info.kind}.d.ts`);
}

interface Pending {
	name: string;
	decl: ts.InterfaceDeclaration | ts.TypeAliasDeclaration;
}

/** Walks the declarations from the kinds' files, following every type reference. */
class Extractor {
	readonly definitions: Record<string, SchemaNode> = {};
	private readonly queue: Pending[] = [];
	private readonly seen = new Set<string>();
	private readonly checker: ts.TypeChecker;

	constructor(private readonly program: ts.Program) {
		this.checker = program.getTypeChecker();
	}

	/** Adds the `I<Kind>` interface of a kind's file; returns its definition name. */
	addKind(info: KindInfo): string {
		const file = this.program.getSourceFile(kindFile(info));
		const decl = file?.statements.find(
			(s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === `I${info.kind}`
		);
		if (!file || !decl) throw new Error(`no I${info.kind} in ${kindFile(info)}`);
		return this.enqueue(decl);
	}

	run(): void {
		for (let p = this.queue.shift(); p; p = this.queue.shift()) {
			this.definitions[p.name] = OVERRIDES[p.name]
				? { description: describe(p.decl), ...OVERRIDES[p.name] }
				: ts.isInterfaceDeclaration(p.decl)
					? this.objectSchema(p.decl)
					: this.typeSchema(p.decl.type);
		}
	}

	private enqueue(decl: Pending['decl']): string {
		const name = definitionName(decl.getSourceFile().fileName);
		if (!this.seen.has(name)) {
			this.seen.add(name);
			this.queue.push({ name, decl });
		}
		return name;
	}

	private objectSchema(decl: ts.InterfaceDeclaration | ts.TypeLiteralNode): SchemaNode {
		const out: SchemaNode = { description: describe(decl), type: 'object' };
		const props: Record<string, SchemaNode> = {};
		const required: string[] = [];
		for (const m of decl.members) {
			if (!ts.isPropertySignature(m) || !m.type) continue;
			const key = ts.isStringLiteral(m.name) || ts.isIdentifier(m.name) ? m.name.text : m.name.getText();
			// apiVersion and kind are narrowed to literals by the package; the API documents them as strings.
			const node = key === 'apiVersion' || key === 'kind' ? { type: 'string' } : this.typeSchema(m.type);
			props[key] = withDescription(node, describe(m));
			if (!m.questionToken) required.push(key);
		}
		if (decl.members.length === 0) {
			// RawExtension, FieldsV1, JSON…: free-form values the API server keeps as they are.
			delete out.type;
			out['x-kubernetes-preserve-unknown-fields'] = true;
			return out;
		}
		out.properties = props;
		if (required.length) out.required = required;
		return out;
	}

	private typeSchema(t: ts.TypeNode): SchemaNode {
		if (t.kind === ts.SyntaxKind.StringKeyword) return { type: 'string' };
		if (t.kind === ts.SyntaxKind.NumberKeyword) return { type: 'number' };
		if (t.kind === ts.SyntaxKind.BooleanKeyword) return { type: 'boolean' };
		if (ts.isArrayTypeNode(t)) return { type: 'array', items: this.typeSchema(t.elementType) };
		if (ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal)) return { type: 'string', enum: [t.literal.text] };
		if (ts.isUnionTypeNode(t)) return this.unionSchema(t);
		if (ts.isTypeLiteralNode(t)) return this.mapSchema(t);
		if (ts.isTypeReferenceNode(t)) return this.referenceSchema(t);
		if (t.kind === ts.SyntaxKind.AnyKeyword || t.kind === ts.SyntaxKind.UnknownKeyword) return { 'x-kubernetes-preserve-unknown-fields': true };
		throw new Error(`unsupported type ${t.getText()} in ${t.getSourceFile().fileName}`);
	}

	private unionSchema(t: ts.UnionTypeNode): SchemaNode {
		const lits = t.types.filter((u) => !(ts.isLiteralTypeNode(u) && u.literal.kind === ts.SyntaxKind.NullKeyword));
		if (lits.every((u) => ts.isLiteralTypeNode(u) && ts.isStringLiteral(u.literal))) {
			return { type: 'string', enum: lits.map((u) => ((u as ts.LiteralTypeNode).literal as ts.StringLiteral).text) };
		}
		const kinds = new Set(lits.map((u) => u.kind));
		if (kinds.size === 2 && kinds.has(ts.SyntaxKind.StringKeyword) && kinds.has(ts.SyntaxKind.NumberKeyword)) {
			return { 'x-kubernetes-int-or-string': true, format: 'int-or-string' };
		}
		throw new Error(`unsupported union ${t.getText()}`);
	}

	private mapSchema(t: ts.TypeLiteralNode): SchemaNode {
		const index = t.members.find(ts.isIndexSignatureDeclaration);
		// An embedded object written out inline (StatefulSet's volumeClaimTemplates).
		if (!index) return this.objectSchema(t);
		if (t.members.length !== 1) throw new Error(`unsupported type literal ${t.getText()}`);
		return { type: 'object', additionalProperties: this.typeSchema(index.type) };
	}

	private referenceSchema(t: ts.TypeReferenceNode): SchemaNode {
		const name = t.typeName.getText();
		if (name === 'Array' && t.typeArguments?.length === 1) return { type: 'array', items: this.typeSchema(t.typeArguments[0]) };
		let sym = this.checker.getSymbolAtLocation(t.typeName);
		if (sym && sym.flags & ts.SymbolFlags.Alias) sym = this.checker.getAliasedSymbol(sym);
		const decl = sym?.declarations?.find(
			(d): d is Pending['decl'] => ts.isInterfaceDeclaration(d) || ts.isTypeAliasDeclaration(d)
		);
		if (!decl) throw new Error(`cannot resolve ${name} in ${t.getSourceFile().fileName}`);
		return { $ref: this.enqueue(decl) };
	}
}

/** The TSDoc text of a declaration: the OpenAPI description the package copied. */
function describe(node: ts.Node): string | undefined {
	const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
	const text = docs.map((d) => ts.getTextOfJSDocComment(d.comment) ?? '').join('\n').trim();
	return text || undefined;
}

function withDescription(node: SchemaNode, description: string | undefined): SchemaNode {
	return description ? { description, ...node } : node;
}

const DELETE_OPTIONS = join(machineryDir, 'apis/meta/v1/DeleteOptions.d.ts');

/** Descriptions of apiVersion/kind: the package keeps them only on non-kind types. */
function typeMetaDescriptions(program: ts.Program): Record<'apiVersion' | 'kind', string> {
	const file = program.getSourceFile(DELETE_OPTIONS);
	const decl = file?.statements.find(ts.isInterfaceDeclaration);
	const out: Partial<Record<'apiVersion' | 'kind', string>> = {};
	for (const m of decl?.members ?? []) {
		const key = m.name && ts.isStringLiteral(m.name) ? m.name.text : undefined;
		if (key === 'apiVersion' || key === 'kind') out[key] = describe(m);
	}
	if (!out.apiVersion || !out.kind) throw new Error('apiVersion/kind descriptions not found');
	return out as Record<'apiVersion' | 'kind', string>;
}

type Validator = ((data: unknown) => boolean) & { errors?: { instancePath: string; keyword: string; params: Record<string, unknown> }[] | null };

/** Loads the package's compiled validator for a definition, if it ships one. */
async function validatorFor(name: string): Promise<Validator | undefined> {
	const id = name.split(/[.-]/).map((p) => p[0].toUpperCase() + p.slice(1)).join('');
	const dir = name.startsWith('io.k8s.apimachinery.') ? machineryDir : modelsDir;
	try {
		return (await import(pathToFileURL(join(dir, '_schemas', `${id}.js`)).href)).validate as Validator;
	} catch {
		return undefined;
	}
}

/** The type/format errors the validator reports for `value` placed at property `key`. */
function probe(v: Validator, key: string, shape: SchemaNode, value: number): Set<string> {
	const wrap = (s: SchemaNode): unknown =>
		s.type === 'array' ? [wrap(s.items!)] : s.additionalProperties ? { k: wrap(s.additionalProperties) } : value;
	v({ [key]: wrap(shape) });
	const found = new Set<string>();
	for (const e of v.errors ?? []) {
		if (!e.instancePath.startsWith(`/${key}`)) continue;
		if (e.keyword === 'type') found.add(String(e.params.type));
		if (e.keyword === 'format') found.add(String(e.params.format));
	}
	return found;
}

function numberLeaf(s: SchemaNode): SchemaNode | undefined {
	if (s.type === 'number') return s;
	if (s.type === 'array' && s.items) return numberLeaf(s.items);
	if (s.additionalProperties) return numberLeaf(s.additionalProperties);
	return undefined;
}

/** Refines every `number` property into integer/int32/int64/double by asking the validators. */
async function refineNumbers(defs: Record<string, SchemaNode>): Promise<void> {
	for (const [name, def] of Object.entries(defs)) {
		for (const [key, prop] of Object.entries(def.properties ?? {})) {
			const leaf = numberLeaf(prop);
			if (!leaf) continue;
			const v = await validatorFor(name);
			if (!v) throw new Error(`no compiled validator for ${name}`);
			if (!probe(v, key, prop, 0.5).has('integer')) {
				leaf.format = 'double';
				continue;
			}
			leaf.type = 'integer';
			leaf.format = probe(v, key, prop, 2 ** 31).has('int32') ? 'int32' : 'int64';
		}
	}
}

/** One definition per line: small, and diffs stay readable when the package is bumped. */
function serialize(schema: KubeSchema): string {
	const defs = Object.keys(schema.definitions)
		.sort()
		.map((k) => `${JSON.stringify(k)}:${JSON.stringify(schema.definitions[k])}`);
	return `{"source":${JSON.stringify(schema.source)},"kinds":${JSON.stringify(schema.kinds)},\n"definitions":{\n${defs.join(',\n')}\n}}\n`;
}

async function main(): Promise<void> {
	const program = ts.createProgram([...BUILTIN_KINDS.map(kindFile), DELETE_OPTIONS], {
		module: ts.ModuleKind.ESNext,
		moduleResolution: ts.ModuleResolutionKind.Bundler,
		noEmit: true,
		types: []
	});
	const ex = new Extractor(program);
	const kinds: Record<string, string> = {};
	for (const info of BUILTIN_KINDS) kinds[`${apiVersionOf(info)}/${info.kind}`] = ex.addKind(info);
	ex.run();
	const meta = typeMetaDescriptions(program);
	for (const name of new Set(Object.values(kinds))) {
		const def = ex.definitions[name];
		const props = def.properties!;
		def.required = def.required?.filter((k) => k !== 'apiVersion' && k !== 'kind');
		if (!def.required?.length) delete def.required;
		props.apiVersion = { description: meta.apiVersion, type: 'string' };
		props.kind = { description: meta.kind, type: 'string' };
	}
	await refineNumbers(ex.definitions);
	const version = (require(`${PKG}/package.json`) as { version: string }).version;
	const text = serialize({ source: `${PKG}@${version}`, kinds, definitions: ex.definitions });
	writeFileSync(OUT, text);
	console.log(`wrote ${Object.keys(ex.definitions).length} definitions, ${(text.length / 1024).toFixed(0)} KiB`);
}

await main();
